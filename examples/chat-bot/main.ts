// npm run example:bot [-- --connection-string "endpoint=...;accesskey=..."]
// Without a connection string it uses the service that `npm start` runs (its .data/secrets.json).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startChatBot } from './bot.js';

const { values } = parseArgs({
  options: {
    'connection-string': { type: 'string' },
    endpoint: { type: 'string', default: 'http://127.0.0.1:8080/' },
    name: { type: 'string', default: 'Echo bot' },
  },
});

function localConnectionString(): string {
  try {
    const { accessKey } = JSON.parse(readFileSync('.data/secrets.json', 'utf8')) as { accessKey: string };
    return `endpoint=${values.endpoint};accesskey=${accessKey}`;
  } catch {
    console.error('No connection string given and no .data/secrets.json here: run `npm start` first, or pass --connection-string.');
    process.exit(2);
  }
}

const connectionString = values['connection-string'] ?? process.env.ACS_CONNECTION_STRING ?? localConnectionString();
const bot = await startChatBot({ connectionString, displayName: values.name });
console.log(`${values.name} is listening. Start a chat with it from the demo page using its identifier:\n  ${bot.applicationId}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void bot.stop().then(() => process.exit(0)));
}
