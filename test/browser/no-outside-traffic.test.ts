import { expect } from '@esm-bundle/chai';

/**
 * The browser the tests run in resolves no name but loopback, so neither a test nor Chromium's own
 * background requests reach beyond this machine. `*.localhost` names are the probe: Chromium would
 * resolve them to loopback by itself, so only the host-resolver rule makes them fail.
 */
describe('the test browser sends nothing beyond this machine', () => {
  it('resolves 127.0.0.1 and localhost, and no other name', async () => {
    const reach = (host: string) =>
      fetch(`http://${host}:${location.port}/`, { mode: 'no-cors', cache: 'no-store' }).then(
        () => 'reached',
        () => 'not resolved',
      );
    expect(await reach('127.0.0.1')).to.equal('reached');
    expect(await reach('localhost')).to.equal('reached');
    expect(await reach('resolver-check.localhost')).to.equal('not resolved');
  });
});
