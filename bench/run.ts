// `npm run bench [-- suite ...] [--update-readme]`: every benchmark side by side with its baseline in
// the same run, printed as a table with ratios and written to bench-results/ (JSON and Markdown).
// Bounded: each suite has a time budget, the run as a whole stops within TOTAL_BUDGET_S, and whatever
// a suite started is stopped after it, whether it passed, failed or ran out of time.
import { bundleSize } from './bundle.bench.js';
import { callSetup } from './calling.bench.js';
import { chatLatency } from './chat.bench.js';
import { fanoutThroughput } from './fanout.bench.js';
import { identityThroughput } from './identity.bench.js';
import { stopAll, withTimeout } from './lib/cleanup.js';
import { updateReadme } from './lib/readme.js';
import {
  type BenchReport,
  type Measurement,
  type SuiteOutcome,
  currentLoad,
  machineDescription,
  measuredCommit,
  toMarkdown,
  withRatios,
  writeReport,
} from './lib/results.js';
import { groupCall } from './group.bench.js';
import { meshCall } from './mesh.bench.js';
import { relayCall } from './relay.bench.js';
import { threadRender } from './render.bench.js';
import { warmStart } from './warmstart.bench.js';

/** Suites in run order, each with its time budget in seconds (typical run times are far below). */
const SUITES: Record<string, { run: () => Promise<Measurement[]>; budgetS: number }> = {
  chat: { run: chatLatency, budgetS: 90 },
  identity: { run: identityThroughput, budgetS: 45 },
  calling: { run: callSetup, budgetS: 60 },
  fanout: { run: fanoutThroughput, budgetS: 150 },
  bundle: { run: bundleSize, budgetS: 45 },
  render: { run: threadRender, budgetS: 60 },
  mesh: { run: meshCall, budgetS: 150 },
  group: { run: groupCall, budgetS: 120 },
  warmstart: { run: warmStart, budgetS: 60 },
  relay: { run: relayCall, budgetS: 90 },
};
/** The whole run, cleanup included, stays under this (the issue allows 10 minutes on 2 cores). */
const TOTAL_BUDGET_S = 540;
/** Time kept back for stopping a suite's servers and browsers and for writing the report. */
const CLEANUP_RESERVE_S = 20;

const args = process.argv.slice(2);
const wanted = args.filter((arg) => !arg.startsWith('-'));
const flags = args.filter((arg) => arg.startsWith('-'));
const unknownFlags = flags.filter((flag) => flag !== '--update-readme');
const unknown = wanted.filter((name) => !(name in SUITES));
if (unknown.length > 0 || unknownFlags.length > 0) {
  console.error(`Unknown suite(s) or flag(s): ${[...unknown, ...unknownFlags].join(', ')}.`);
  console.error(`Usage: npm run bench [-- suite ...] [--update-readme]. Suites: ${Object.keys(SUITES).join(', ')}.`);
  process.exit(2);
}

// A suite abandoned at its deadline may still reject later, when its servers are gone: log, go on.
process.on('unhandledRejection', (reason) => console.error(`  (late failure of an abandoned suite: ${String(reason).split('\n')[0]})`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping servers and browsers…`);
    void stopAll(5_000).finally(() => process.exit(130));
  });
}

const started = performance.now();
const loadAtStart = currentLoad();
const elapsedS = () => (performance.now() - started) / 1000;
const measurements: Measurement[] = [];
const outcomes: SuiteOutcome[] = [];
for (const [name, { run, budgetS }] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const suiteStart = performance.now();
  const allowedS = Math.min(budgetS, TOTAL_BUDGET_S - CLEANUP_RESERVE_S - elapsedS());
  console.log(`▶ ${name} (budget ${Math.round(allowedS)} s)`);
  let error: string | undefined;
  if (allowedS < 5) {
    error = 'not run: the run’s total time budget is used up';
  } else {
    try {
      const result = await withTimeout(run(), allowedS * 1000, `suite ${name}`);
      for (const m of result) if (m.suite !== name) throw new Error(`suite ${name} returned a measurement of suite ${m.suite}`);
      measurements.push(...result);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
  }
  const leftovers = await stopAll();
  for (const problem of leftovers) console.error(`  could not stop ${problem}`);
  const seconds = Math.round((performance.now() - suiteStart) / 100) / 10;
  outcomes.push({ suite: name, seconds, ...(error ? { error } : {}) });
  console.log(error ? `  FAILED after ${seconds} s: ${error}` : `  done in ${seconds} s`);
}

const commit = measuredCommit();
const report: BenchReport = {
  date: new Date().toISOString(),
  ...(commit ? { commit } : {}),
  machine: machineDescription(),
  node: process.version,
  loadAverage: { start: loadAtStart, end: currentLoad() },
  durationSeconds: Math.round(elapsedS()),
  suites: outcomes,
  measurements: withRatios(measurements),
};
const files = writeReport(report);
const markdown = toMarkdown(report);
console.log(`\n${markdown}`);
console.log(`Written: ${files.json}, ${files.markdown}`);
const failed = outcomes.filter((o) => o.error);
if (flags.includes('--update-readme')) {
  if (wanted.length > 0 && wanted.length < Object.keys(SUITES).length) {
    console.log('README.md not updated: only a full run (every suite) goes there.');
  } else if (failed.length > 0) {
    console.log('README.md not updated: some suites failed.');
  } else {
    updateReadme(markdown);
    console.log('README.md: Benchmarks section updated.');
  }
}
process.exit(failed.length > 0 ? 1 : 0);
