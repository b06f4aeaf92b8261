import { CommunicationError } from '../common/errors.js';

/** What kind of device a {@link DeviceAccessError} is about. */
export type DeviceKind = 'microphone' | 'camera' | 'screen';

/**
 * Why a device could not be had, from the browser's `DOMException` name:
 * - `PermissionDenied`: the user or the page's policy refused it (`NotAllowedError`, `SecurityError`).
 * - `DeviceNotFound`: no such device, or the one asked for is gone (`NotFoundError`, `OverconstrainedError`).
 * - `DeviceInUse`: it exists but cannot be started: another application holds it, or it failed
 *   (`NotReadableError`, `AbortError`).
 * - `DeviceUnavailable`: any other failure.
 */
export type DeviceErrorCode = 'PermissionDenied' | 'DeviceNotFound' | 'DeviceInUse' | 'DeviceUnavailable';

export type CallingErrorCode =
  | 'InvalidCallState'
  | 'Unsupported'
  | 'AgentDisposed'
  | 'CallAgentExists'
  | 'StreamNotAvailable'
  | 'StreamNotInCall'
  | 'ParticipantUnreachable'
  | 'SignallingFailed'
  | 'RoleRestricted'
  | DeviceErrorCode;

/** A calling operation that cannot be done: a wrong state, a device that cannot be had, media that failed. */
export class CallingError<TCode extends CallingErrorCode = CallingErrorCode> extends CommunicationError<TCode> {
  override readonly name: string = 'CallingError';

  static invalidState(operation: string, state: string): CallingError {
    return new CallingError('InvalidCallState', `Cannot ${operation} while the call is ${state}.`);
  }

  /** The error for a failed `getUserMedia`/`getDisplayMedia`, classified by the browser's reason. */
  static deviceUnavailable(kind: DeviceKind, cause?: unknown): DeviceAccessError {
    return DeviceAccessError.from(kind, cause);
  }

  static unsupported(feature: string): CallingError {
    return new CallingError('Unsupported', `${feature} is not available in this environment.`);
  }

  /** The participant's role does not allow this (in a room call). */
  static roleRestricted(operation: string, role: string): CallingError {
    return new CallingError('RoleRestricted', `A ${role} may not ${operation} in this call.`);
  }

  static disposed(): CallingError {
    return new CallingError('AgentDisposed', 'The call agent has been disposed.');
  }
}

const DEVICE_ERROR_CODES: Record<string, DeviceErrorCode> = {
  NotAllowedError: 'PermissionDenied',
  SecurityError: 'PermissionDenied',
  NotFoundError: 'DeviceNotFound',
  OverconstrainedError: 'DeviceNotFound',
  NotReadableError: 'DeviceInUse',
  AbortError: 'DeviceInUse',
};

/** A camera, microphone or screen could not be had; `code` says why, `cause` is the browser's error. */
export class DeviceAccessError extends CallingError<DeviceErrorCode> {
  override readonly name: string = 'DeviceAccessError';
  readonly deviceKind: DeviceKind;

  constructor(code: DeviceErrorCode, deviceKind: DeviceKind, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.deviceKind = deviceKind;
  }

  static from(kind: DeviceKind, cause: unknown): DeviceAccessError {
    const browserName = typeof cause === 'object' && cause !== null ? (cause as { name?: unknown }).name : undefined;
    const code = (typeof browserName === 'string' && DEVICE_ERROR_CODES[browserName]) || 'DeviceUnavailable';
    const reason = cause instanceof Error ? `: ${cause.message}` : '.';
    return new DeviceAccessError(code, kind, `The ${kind} cannot be used (${code})${reason}`, { cause });
  }
}
