// Baseline: a bare node:http handler doing what an identity request must: check the HMAC
// signature (verb, path and query, date, host, body hash) and sign a JWT. No routing, no
// validation, no storage: the floor the identity routes are measured against.
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { SignJWT } from 'jose';

const accessKey = randomBytes(32).toString('base64');
const signingKey = randomBytes(32);
const resource = randomUUID();

const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString();
  const url = new URL(req.url ?? '/', 'http://x');
  const query = url.searchParams.toString();
  const hash = createHash('sha256').update(body).digest('base64');
  const date = String(req.headers['x-ms-date']);
  const expected = createHmac('sha256', Buffer.from(accessKey, 'base64'))
    .update(`${req.method}\n${url.pathname}${query ? `?${query}` : ''}\n${date};${req.headers.host};${hash}`)
    .digest('base64');
  const signature = /Signature=(\S+)$/.exec(String(req.headers.authorization))?.[1];
  if (signature !== expected || hash !== req.headers['x-ms-content-sha256']) {
    res.writeHead(401).end();
    return;
  }
  const id = `8:acs:${resource}_${randomUUID()}`;
  const exp = Math.floor(Date.now() / 1000) + 86400;
  const token = await new SignJWT({ acsScope: 'chat,voip' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(id)
    .setExpirationTime(exp)
    .sign(signingKey);
  const accessToken = { token, expiresOn: new Date(exp * 1000).toISOString() };
  const payload = url.pathname === '/identities' ? { identity: { id }, accessToken } : accessToken;
  res.writeHead(url.pathname === '/identities' ? 201 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address) {
    console.log(`endpoint=http://127.0.0.1:${address.port}/;accesskey=${accessKey}`);
  }
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
