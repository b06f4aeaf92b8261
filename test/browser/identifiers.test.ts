import { expect } from '@esm-bundle/chai';
import {
  createIdentifierFromRawId,
  getIdentifierKind,
  getIdentifierRawId,
  identifiersEqual,
  isCallingApplicationIdentifier,
  isCommunicationUserIdentifier,
  isE164PhoneNumber,
  isPhoneNumberIdentifier,
  isUnknownIdentifier,
} from '../../src/common/identifiers.js';
import { deserializeCommunicationIdentifier, serializeCommunicationIdentifier } from '../../src/common/identifierModels.js';

const USER = '8:acs:1f2e3d4c-0000-4000-8000-000000000001_00000000-0000-4000-8000-00000000abcd';
const APP = '28:acs:1f2e3d4c-0000-4000-8000-000000000001_00000000-0000-4000-8000-00000000beef';

describe('identifiers', () => {
  it('tells each kind apart with its guard', () => {
    expect(isCommunicationUserIdentifier({ communicationUserId: USER })).to.equal(true);
    expect(isPhoneNumberIdentifier({ phoneNumber: '+14255550123' })).to.equal(true);
    expect(isCallingApplicationIdentifier({ callingApplicationId: APP })).to.equal(true);
    expect(isUnknownIdentifier({ id: 'x' })).to.equal(true);
    expect(isCommunicationUserIdentifier({ phoneNumber: '+1' })).to.equal(false);
    expect(isPhoneNumberIdentifier(null)).to.equal(false);
  });

  it('adds the kind discriminant', () => {
    expect(getIdentifierKind({ communicationUserId: USER })).to.deep.equal({ kind: 'communicationUser', communicationUserId: USER });
    expect(getIdentifierKind({ phoneNumber: '+14255550123' })).to.deep.equal({ kind: 'phoneNumber', phoneNumber: '+14255550123' });
    expect(getIdentifierKind({ callingApplicationId: APP })).to.deep.equal({ kind: 'callingApplication', callingApplicationId: APP });
    expect(getIdentifierKind({ id: 'something:else' })).to.deep.equal({ kind: 'unknown', id: 'something:else' });
    expect(() => getIdentifierKind({} as never)).to.throw(TypeError);
  });

  it('round-trips raw ids for every kind', () => {
    const cases = [
      { communicationUserId: USER },
      { phoneNumber: '+14255550123' },
      { callingApplicationId: APP },
      { id: '48:unrecognised-form' },
    ];
    for (const identifier of cases) {
      const rawId = getIdentifierRawId(identifier);
      expect(getIdentifierRawId(createIdentifierFromRawId(rawId))).to.equal(rawId);
      expect(identifiersEqual(createIdentifierFromRawId(rawId), identifier)).to.equal(true);
    }
    expect(getIdentifierRawId({ phoneNumber: '+14255550123' })).to.equal('4:+14255550123');
  });

  it('parses raw ids into the right kind, keeping unknown ones as they are', () => {
    expect(createIdentifierFromRawId(USER).kind).to.equal('communicationUser');
    expect(createIdentifierFromRawId('8:spool:abc').kind).to.equal('communicationUser');
    expect(createIdentifierFromRawId('4:+14255550123')).to.deep.equal({
      kind: 'phoneNumber',
      phoneNumber: '+14255550123',
      rawId: '4:+14255550123',
    });
    expect(createIdentifierFromRawId(APP).kind).to.equal('callingApplication');
    expect(createIdentifierFromRawId('8:acs:')).to.deep.equal({ kind: 'unknown', id: '8:acs:' });
    expect(createIdentifierFromRawId('')).to.deep.equal({ kind: 'unknown', id: '' });
  });

  it('serialises to the wire model and back', () => {
    for (const identifier of [
      { communicationUserId: USER },
      { phoneNumber: '+14255550123' },
      { callingApplicationId: APP },
      { id: 'x:y' },
    ]) {
      const wire = serializeCommunicationIdentifier(identifier);
      expect(wire.rawId).to.equal(getIdentifierRawId(identifier));
      expect(getIdentifierRawId(deserializeCommunicationIdentifier(wire))).to.equal(wire.rawId);
    }
    expect(serializeCommunicationIdentifier({ communicationUserId: USER })).to.deep.equal({
      rawId: USER,
      kind: 'communicationUser',
      communicationUser: { id: USER },
    });
    expect(deserializeCommunicationIdentifier({ rawId: '4:+15551230000' }).kind).to.equal('phoneNumber');
    expect(() => deserializeCommunicationIdentifier({})).to.throw(TypeError);
  });

  it('checks E.164 phone numbers', () => {
    expect(isE164PhoneNumber('+14255550123')).to.equal(true);
    expect(isE164PhoneNumber('14255550123')).to.equal(false);
    expect(isE164PhoneNumber('+0123')).to.equal(false);
    expect(isE164PhoneNumber('+1234567890123456')).to.equal(false);
  });
});
