import { TypedEventEmitter } from '../common/events.js';
import type { OperationOptions } from '../common/operationOptions.js';
import { type CommunicationIdentifierKind } from '../common/identifiers.js';
import { deserializeCommunicationIdentifier } from '../common/identifierModels.js';
import type { AudioOptions, Call, VideoOptions } from './call.js';
import type { CallEndReason, CallModel } from './callingProtocol.js';

export interface CallerInfo {
  identifier: CommunicationIdentifierKind;
  displayName?: string;
}

export interface AcceptCallOptions extends OperationOptions {
  videoOptions?: VideoOptions;
  audioOptions?: AudioOptions;
}

export type IncomingCallEvents = {
  /** It stopped ringing here: answered elsewhere, cancelled by the caller, or not answered in time. */
  callEnded: { callEndReason: CallEndReason };
};

/** @internal What an incoming call needs from its agent. */
export interface IncomingCallHandler {
  accept(incoming: IncomingCall, options: AcceptCallOptions): Promise<Call>;
  reject(incoming: IncomingCall): Promise<void>;
}

/** A call ringing at this endpoint. */
export class IncomingCall extends TypedEventEmitter<IncomingCallEvents> {
  readonly id: string;
  readonly callerInfo: CallerInfo;
  #callEndReason: CallEndReason | undefined;
  readonly #handler: IncomingCallHandler;

  /** @internal */
  constructor(model: CallModel, callerDisplayName: string | undefined, handler: IncomingCallHandler) {
    super();
    this.id = model.id;
    const shownCaller = model.alternateCallerId ?? model.createdBy;
    this.callerInfo = { identifier: deserializeCommunicationIdentifier(shownCaller) };
    if (callerDisplayName !== undefined) this.callerInfo.displayName = callerDisplayName;
    this.#handler = handler;
  }

  /** Set once it has stopped ringing. */
  get callEndReason(): CallEndReason | undefined {
    return this.#callEndReason;
  }

  /** Answers here; the other endpoints of this user stop ringing. */
  accept(options: AcceptCallOptions = {}): Promise<Call> {
    return this.#handler.accept(this, options);
  }

  reject(): Promise<void> {
    return this.#handler.reject(this);
  }

  /** @internal */
  end(reason: CallEndReason): void {
    if (this.#callEndReason) return;
    this.#callEndReason = reason;
    this.emit('callEnded', { callEndReason: reason });
  }
}
