import { deserializeCommunicationIdentifier, getIdentifierRawId } from '../../src/common/identifiers.js';
import { isCallingEndpointId } from '../../src/common/realtimeProtocol.js';
import { requireScope } from '../auth/scopes.js';
import type { TokenScope, VerifiedToken } from '../auth/tokens.js';
import { BodyReader, type JsonObject, parseJsonObject } from '../http/body.js';
import { ServiceError } from '../http/errors.js';
import { integerParam, nextLink } from '../http/query.js';
import type { RequestContext, Router } from '../http/router.js';
import { type CallingService, MAX_CALL_PARTICIPANTS, type MediaState } from './callingService.js';

const VOIP_SCOPES: readonly TokenScope[] = ['voip', 'voip.join'];

/** The calling control plane's routes; media never passes through the service. */
export function registerCallingRoutes(
  router: Router,
  calling: CallingService,
  origin: (context: RequestContext) => string,
): void {
  router.add('POST', '/calling/calls', ({ rawBody, caller }) => {
    const userId = requireScope(caller, VOIP_SCOPES);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('targets', 'endpointId', 'displayName', 'isMuted', 'isVideoOn', 'alternateCallerId');
    const alternateCallerId = readAlternateCallerId(raw);
    return {
      status: 201,
      body: calling.startCall(userId, {
        ...(alternateCallerId ? { alternateCallerId } : {}),
        targets: readTargets(raw.targets),
        endpointId: readEndpointId(body),
        displayName: body.optionalString('displayName', { maxLength: 256 }),
        isMuted: readBoolean(raw, 'isMuted'),
        isVideoOn: readBoolean(raw, 'isVideoOn'),
      }),
    };
  });

  // Call automation: an application calls users, who ring with the application as the caller and,
  // once they accept, are in one group call together. The application takes no media.
  // An application acts with the access key, so it may present any number of the resource as its
  // caller id (a user only their own or an unassigned one: see CallingService).
  router.add('POST', '/calling/automation/calls', ({ rawBody, caller }) => {
    const applicationId = requireApplicationCaller(caller);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('targets', 'displayName', 'alternateCallerId');
    const displayName = body.optionalString('displayName', { maxLength: 256 });
    const alternateCallerId = readAlternateCallerId(raw);
    return {
      status: 201,
      body: calling.startCall(applicationId, {
        targets: readTargets(raw.targets),
        ...(displayName !== undefined ? { displayName } : {}),
        ...(alternateCallerId ? { alternateCallerId } : {}),
      }),
    };
  });

  router.add('POST', '/calling/automation/calls/{callId}/:hangUp', ({ params, rawBody, caller }) => {
    const applicationId = requireApplicationCaller(caller);
    const raw = parseJsonObject(rawBody);
    new BodyReader(raw).allowOnly('forEveryone');
    return { status: 200, body: calling.hangUp(applicationId, params.callId!, readBoolean(raw, 'forEveryone') ?? false) };
  });

  router.add('GET', '/calling/calls/{callId}', ({ params, caller }) => ({
    status: 200,
    body: calling.getCall(requireScope(caller, VOIP_SCOPES), params.callId!),
  }));

  router.add('POST', '/calling/calls/{callId}/:accept', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, VOIP_SCOPES);
    const raw = parseJsonObject(rawBody, { required: true });
    const body = new BodyReader(raw).allowOnly('endpointId', 'displayName', 'isMuted', 'isVideoOn');
    return {
      status: 200,
      body: calling.accept(userId, params.callId!, {
        endpointId: readEndpointId(body),
        displayName: body.optionalString('displayName', { maxLength: 256 }),
        isMuted: readBoolean(raw, 'isMuted'),
        isVideoOn: readBoolean(raw, 'isVideoOn'),
      }),
    };
  });

  router.add('POST', '/calling/calls/{callId}/:reject', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, VOIP_SCOPES);
    new BodyReader(parseJsonObject(rawBody)).allowOnly();
    calling.reject(userId, params.callId!);
    return { status: 204 };
  });

  router.add('POST', '/calling/calls/{callId}/:hangUp', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, VOIP_SCOPES);
    const raw = parseJsonObject(rawBody);
    new BodyReader(raw).allowOnly('forEveryone');
    // The call as it is after the hang-up: the caller learns why it ended (487 for a cancelled call)
    // from the response, whether or not the real-time event arrives first.
    return { status: 200, body: calling.hangUp(userId, params.callId!, readBoolean(raw, 'forEveryone') ?? false) };
  });

  router.add('POST', '/calling/calls/{callId}/participants/:add', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, VOIP_SCOPES);
    const raw = parseJsonObject(rawBody, { required: true });
    new BodyReader(raw).allowOnly('targets');
    return { status: 200, body: calling.addParticipants(userId, params.callId!, readTargets(raw.targets)) };
  });

  router.add('POST', '/calling/calls/{callId}/:updateMediaState', ({ params, rawBody, caller }) => {
    const userId = requireScope(caller, VOIP_SCOPES);
    const raw = parseJsonObject(rawBody, { required: true });
    new BodyReader(raw).allowOnly('isMuted', 'isVideoOn', 'isScreenSharing', 'onHold');
    const state: MediaState = {};
    for (const field of ['isMuted', 'isVideoOn', 'isScreenSharing', 'onHold'] as const) {
      const value = readBoolean(raw, field);
      if (value !== undefined) state[field] = value;
    }
    if (Object.keys(state).length === 0) throw ServiceError.validation('Give at least one media state to change.');
    return { status: 200, body: calling.updateMediaState(userId, params.callId!, state) };
  });

  router.add('GET', '/calling/history', (context) => {
    const userId = requireScope(context.caller, VOIP_SCOPES);
    const { url } = context;
    const page = calling.listHistory(userId, {
      maxPageSize: integerParam(url, 'maxPageSize', 50, 1, 200),
      skip: integerParam(url, 'skip', 0, 0, Number.MAX_SAFE_INTEGER),
    });
    const link = nextLink(url, origin(context), page.continuation, 'skip');
    return { status: 200, body: link ? { value: page.value, nextLink: link } : { value: page.value } };
  });
}

function readAlternateCallerId(raw: JsonObject): string | undefined {
  return raw.alternateCallerId === undefined || raw.alternateCallerId === null ? undefined : readTargets([raw.alternateCallerId])[0];
}

function requireApplicationCaller(caller: VerifiedToken | undefined): string {
  if (!caller?.isApplication) {
    throw ServiceError.forbidden('Call automation is for calling applications (HMAC-signed, or an application token).', 'ApplicationsOnly');
  }
  return caller.userId;
}

function readEndpointId(body: BodyReader): string {
  const endpointId = body.requiredString('endpointId', { maxLength: 64 });
  if (!isCallingEndpointId(endpointId)) throw ServiceError.validation('"endpointId" must be 1-64 letters and digits.');
  return endpointId;
}

function readBoolean(raw: JsonObject, field: string): boolean | undefined {
  const value = raw[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw ServiceError.validation(`"${field}" must be a boolean.`);
  return value;
}

function readTargets(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw ServiceError.validation('"targets" must be a non-empty array of identifiers.');
  if (value.length >= MAX_CALL_PARTICIPANTS) {
    throw ServiceError.validation(`A call has at most ${MAX_CALL_PARTICIPANTS} participants.`);
  }
  return value.map((item, index) => {
    try {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new TypeError('not an object');
      const rawId = getIdentifierRawId(deserializeCommunicationIdentifier(item as never));
      if (rawId === '' || rawId.length > 256) throw new TypeError('bad raw id');
      return rawId;
    } catch {
      throw ServiceError.validation(`"targets[${index}]" is not a valid communication identifier.`);
    }
  });
}
