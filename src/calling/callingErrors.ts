import { CommunicationError } from '../common/errors.js';

/** A calling operation that cannot be done: a wrong state, a device that cannot be had, media that failed. */
export class CallingError extends CommunicationError {
  override readonly name: string = 'CallingError';

  static invalidState(operation: string, state: string): CallingError {
    return new CallingError('InvalidCallState', `Cannot ${operation} while the call is ${state}.`);
  }

  static deviceUnavailable(kind: string, cause?: unknown): CallingError {
    const reason = cause instanceof Error ? `: ${cause.message}` : '.';
    return new CallingError('DeviceUnavailable', `The ${kind} cannot be used${reason}`, { cause });
  }

  static unsupported(feature: string): CallingError {
    return new CallingError('Unsupported', `${feature} is not available in this environment.`);
  }

  static disposed(): CallingError {
    return new CallingError('AgentDisposed', 'The call agent has been disposed.');
  }
}
