import { ACS_RATE_LIMITS, type RateLimitRule, type RateLimitScope, demoRateLimitRules } from './rateLimits.js';
import type { RouteAuth, RouteInfo } from './routes.js';

const AUTH: Record<RouteAuth, string> = {
  hmac: 'signed with the access key (HMAC-SHA256)',
  hmacOrUser: "signed with the access key (the administrator), or a user's access token (acting for that user; applications are refused)",
  user: "a user's access token; applications are refused (403 NotForApplications)",
  userOrApplication:
    "a user's access token, or an application: its token, or a request signed with the access key naming it in `x-ms-application-id`",
  application: 'an application only (its token or a signed request); users are refused (403 ApplicationsOnly)',
  demoUser: "a user's access token (never an application's), on a demo route",
  open: 'no credential',
};

const PER: Record<RateLimitScope, string> = {
  resource: 'resource',
  user: 'user',
  thread: 'thread',
  userThread: 'user per thread',
  address: 'client address',
};

/**
 * `docs/routes.md`: every route of a service started with the demo routes, as declared. Generated
 * by `node --import tsx scripts/routes-doc.ts`; a test fails when the file and the table disagree.
 */
export function renderRoutesMarkdown(routes: readonly RouteInfo[]): string {
  const lines = [
    '# Routes',
    '',
    '<!-- Generated from the route table (mock-server/*/…Routes.ts) by `node --import tsx scripts/routes-doc.ts`. Do not edit. -->',
    '',
    'Every HTTP route of the service, in dispatch order, as each route declares itself. The service',
    'dispatches, authenticates, checks scopes, throttles and documents from the same declarations.',
    'Versioned routes need `api-version` (see `src/common/apiVersions.ts`); CORS is on for any origin on',
    'the API routes, and on the demo routes for the allow-listed origins (`--demo-origins`) alone: other',
    'pages get 403 there. Rate limits apply only when the service runs with `rateLimits` (the ACS',
    'limits), except the demo routes, which are always throttled; a per-thread budget counts members only.',
    '',
    '| Auth | Who may call |',
    '|---|---|',
    ...Object.entries(AUTH).map(([auth, text]) => `| \`${auth}\` | ${text} |`),
    '',
    '| Method | Path | API | Auth | Scopes (any of) | Body | Rate limit | Summary |',
    '|---|---|---|---|---|---|---|---|',
    ...routes
      .map((route) =>
        [
          route.method,
          `\`${route.template}\``,
          route.api ?? '—',
          `\`${route.auth}\``,
          route.scopes ? route.scopes.map((scope) => `\`${scope}\``).join(', ') : '—',
          bodyOf(route),
          limitOf(route),
          route.summary,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  ];
  return lines.join('\n');
}

function bodyOf(route: RouteInfo): string {
  if (route.body === 'none') return 'none';
  const fields =
    route.fields === undefined ? 'any fields' : route.fields.length === 0 ? 'no fields' : route.fields.map((f) => `\`${f}\``).join(', ');
  return `${route.body === 'required' ? 'JSON object' : 'optional JSON object'}: ${fields}`;
}

function limitOf(route: RouteInfo): string {
  const limit = route.rateLimit;
  if (!limit) return '—';
  const operations = [limit.operation, ...(limit.bodyVariant ? [limit.bodyVariant.operation] : [])];
  const text = operations.map((operation) => `\`${operation}\` ${rulesOf(operation)}`);
  if (limit.bodyVariant) text[1] += ` (when ${limit.bodyVariant.when})`;
  return text.join('; ');
}

function rulesOf(operation: string): string {
  const rules: RateLimitRule[] = [...ACS_RATE_LIMITS, ...demoRateLimitRules()].filter((rule) => rule.operation === operation);
  return rules.map((rule) => `${rule.limit}/${windowOf(rule.windowMs)} per ${PER[rule.scope]}`).join(', ');
}

function windowOf(ms: number): string {
  return ms % 60_000 === 0 ? (ms === 60_000 ? 'min' : `${ms / 60_000} min`) : `${ms / 1000} s`;
}
