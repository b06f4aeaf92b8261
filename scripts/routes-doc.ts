/**
 * Writes docs/routes.md from the service's route table (with the demo routes). Run after adding or
 * changing a route: `node --import tsx scripts/routes-doc.ts`; test/service/routes.test.ts checks it.
 */
import { writeFileSync } from 'node:fs';
import { renderRoutesMarkdown } from '../mock-server/http/routeDocs.js';
import { startService } from '../mock-server/service.js';

const service = await startService({ demo: true });
try {
  const file = new URL('../docs/routes.md', import.meta.url);
  writeFileSync(file, renderRoutesMarkdown(service.routes));
  console.log(`Wrote ${file.pathname} (${service.routes.length} routes).`);
} finally {
  await service.close();
}
