// `npm run bench [-- suite ...]`: every benchmark side by side with its baseline in the same run,
// printed as a table with ratios and written to bench-results/ (JSON and Markdown).
import { callSetup } from './calling.bench.js';
import { chatLatency } from './chat.bench.js';
import { identityThroughput } from './identity.bench.js';
import { type Measurement, machineDescription, toMarkdown, withRatios, writeReport } from './lib/results.js';

const SUITES: Record<string, () => Promise<Measurement[]>> = {
  chat: chatLatency,
  identity: identityThroughput,
  calling: callSetup,
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`Unknown suite(s): ${unknown.join(', ')}. Known: ${Object.keys(SUITES).join(', ')}.`);
  process.exit(2);
}

const started = performance.now();
const measurements: Measurement[] = [];
for (const [name, run] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const suiteStart = performance.now();
  console.log(`▶ ${name}`);
  measurements.push(...(await run()));
  console.log(`  done in ${((performance.now() - suiteStart) / 1000).toFixed(1)} s`);
}
const report = {
  date: new Date().toISOString(),
  machine: machineDescription(),
  node: process.version,
  durationSeconds: Math.round((performance.now() - started) / 1000),
  measurements: withRatios(measurements),
};
const files = writeReport(report);
console.log(`\n${toMarkdown(report)}`);
console.log(`Written: ${files.json}, ${files.markdown}`);
process.exit(0);
