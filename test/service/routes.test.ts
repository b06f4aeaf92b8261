/**
 * The route table is the service's one description of its HTTP routes: each route refuses what
 * its declaration refuses (caller kind, scopes, api-version, origins), and docs/routes.md is the
 * table as it is.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { TOKEN_SCOPES } from '../../mock-server/auth/tokens.js';
import { renderRoutesMarkdown } from '../../mock-server/http/routeDocs.js';
import type { ServiceRoute } from '../../mock-server/service.js';
import { withService } from '../kit/node.js';
import { API_VERSIONS } from '../../src/common/apiVersions.js';
import { adminRequest, assertError, chatUser, plainRequest, userRequest } from '../kit/serverHelpers.js';

const key = (route: ServiceRoute) => `${route.method} ${route.template}`;

/** The route's path with every parameter an id that exists nowhere. */
function pathOf(route: ServiceRoute, query = true): string {
  const path = route.template.replace(/\{[a-zA-Z]+\}/g, 'no-such-id');
  return query && route.api ? `${path}?api-version=${API_VERSIONS[route.api].current}` : path;
}

const bodyOf = (route: ServiceRoute) => (route.method === 'GET' ? undefined : {});

describe('route table', () => {
  const service = withService({ demo: true });
  let applicationToken: string;
  before(async () => {
    const application = service().identities.createApplication('Route checker');
    applicationToken = (await service().tokens.issue(application.id, ['chat'])).token;
  });

  test('every route is declared once, with a summary', () => {
    const keys = service().routes.map(key);
    assert.deepEqual(
      keys.filter((k, i) => keys.indexOf(k) !== i),
      [],
      'routes declared twice',
    );
    const undocumented = service()
      .routes.filter((route) => route.summary.trim().length < 10)
      .map(key);
    assert.deepEqual(undocumented, [], 'routes without a summary');
  });

  test('docs/routes.md is the route table as it is (node --import tsx scripts/routes-doc.ts rewrites it)', () => {
    const written = readFileSync(new URL('../../docs/routes.md', import.meta.url), 'utf8');
    assert.equal(written, renderRoutesMarkdown(service().routes), 'docs/routes.md is stale: run node --import tsx scripts/routes-doc.ts');
  });

  test("README's table of served APIs lists exactly the api-versions each ACS API accepts", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [api, row] of [
      ['identity', 'Identity'],
      ['chat', 'Chat'],
      ['sms', 'SMS'],
      ['rooms', 'Rooms'],
      ['phoneNumbers', 'Phone numbers'],
      ['calling', 'Calling control'],
    ] as const) {
      const line = readme.split('\n').find((l) => l.startsWith(`| ${row} |`));
      assert.ok(line, `README has a "${row}" row`);
      const listed = [...line.split('|')[3]!.matchAll(/\d{4}-\d{2}-\d{2}(?:-preview)?/g)].map((m) => m[0]);
      assert.deepEqual(listed, [...API_VERSIONS[api].supported], `README's ${row} row`);
    }
  });

  test('a route with scopes refuses a token with none of them (403 InsufficientScope)', async () => {
    const scoped = service().routes.filter((route) => route.scopes && route.auth !== 'application');
    assert.ok(scoped.length > 20, 'the chat and calling routes declare scopes');
    for (const route of scoped) {
      const others = TOKEN_SCOPES.filter((scope) => !route.scopes!.includes(scope));
      const { token } = await chatUser(service(), others);
      const response = await userRequest(service(), token, route.method, pathOf(route), bodyOf(route), { apiVersion: null });
      assertError(response, 403, 'InsufficientScope');
    }
  });

  test('routes for users refuse applications; routes for applications refuse users', async () => {
    const user = await chatUser(service(), [...TOKEN_SCOPES]);
    for (const route of service().routes) {
      const path = pathOf(route);
      if (route.auth === 'user') {
        assertError(
          await userRequest(service(), applicationToken, route.method, path, bodyOf(route), { apiVersion: null }),
          403,
          'NotForApplications',
        );
      } else if (route.auth === 'demoUser') {
        assertError(
          await userRequest(service(), applicationToken, route.method, path, bodyOf(route), { apiVersion: null }),
          403,
          'NotForApplications',
        );
      } else if (route.auth === 'application') {
        assertError(
          await userRequest(service(), user.token, route.method, path, bodyOf(route), { apiVersion: null }),
          403,
          'ApplicationsOnly',
        );
      } else if (route.auth === 'hmac') {
        assertError(await userRequest(service(), user.token, route.method, path, bodyOf(route), { apiVersion: null }), 401);
      }
      assert.equal(route.applications, route.auth === 'userOrApplication' || route.auth === 'application', key(route));
    }
  });

  test('a versioned route needs its api-version; a demo route refuses pages of other origins', async () => {
    const user = await chatUser(service(), [...TOKEN_SCOPES]);
    for (const route of service().routes) {
      if (route.api) {
        const response =
          route.auth === 'hmac'
            ? await adminRequest(service(), route.method, pathOf(route, false), bodyOf(route), { apiVersion: null })
            : await userRequest(service(), user.token, route.method, pathOf(route, false), bodyOf(route), { apiVersion: null });
        assertError(response, 400, 'MissingApiVersionParameter');
      }
      if (route.origins === 'ownAndAllowListed') {
        const response = await plainRequest(service(), route.method, pathOf(route), {
          headers: { origin: 'https://evil.example', authorization: `Bearer ${user.token}` },
          ...(route.method === 'GET' ? {} : { body: '{}' }),
        });
        assertError(response, 403, 'OriginNotAllowed');
      }
    }
  });
});
