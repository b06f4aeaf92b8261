import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { round } from './stats.js';

/**
 * One measured quantity, side by side with its baselines from the same run. `ratio` is ours over the
 * first baseline: for times and sizes lower is better, so a ratio below 1 means we are faster/smaller;
 * for rates (`higherIsBetter`) above 1 means we are faster.
 */
export interface Measurement {
  suite: string;
  metric: string;
  unit: string;
  ours: number;
  baselines: { name: string; value: number }[];
  higherIsBetter?: boolean;
  /** What exactly is measured (shown in the table). */
  note?: string;
}

export interface SuiteOutcome {
  suite: string;
  seconds: number;
  /** Set when the suite failed or ran out of time; its measurements are then missing. */
  error?: string;
}

export interface BenchReport {
  date: string;
  /** The commit measured (`git describe --always --dirty`: "-dirty" when the tree had changes). */
  commit?: string;
  machine: string;
  node: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine skews results. */
  loadAverage: { start: number; end: number };
  durationSeconds: number;
  suites: SuiteOutcome[];
  measurements: (Measurement & { ratio: number | null })[];
}

export function machineDescription(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

/** The 1-minute load average, rounded. */
export function currentLoad(): number {
  return round(loadavg()[0] ?? 0, 1);
}

export function withRatios(measurements: Measurement[]): BenchReport['measurements'] {
  return measurements.map((m) => {
    const base = m.baselines[0]?.value;
    const ok = base !== undefined && Number.isFinite(base) && base !== 0 && Number.isFinite(m.ours);
    return { ...m, ratio: ok ? round(m.ours / base, 2) : null };
  });
}

export function toMarkdown(report: BenchReport): string {
  const timing = report.suites.map((s) => `${s.suite} ${s.seconds} s${s.error ? ' (failed)' : ''}`).join(', ');
  const lines = [
    `Last run: ${report.date}${report.commit ? ` at commit ${report.commit}` : ''} on ${report.machine}, Node ${report.node}, ${report.durationSeconds} s in all (${timing}); ` +
      `load average ${report.loadAverage.start} at the start, ${report.loadAverage.end} at the end.`,
    '',
    '| suite | metric | ours | baseline(s) | ratio (ours / first baseline) | what is measured |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const m of report.measurements) {
    const baselines = m.baselines.map((b) => `${cell(b.name)}: ${fmt(b.value)} ${m.unit}`).join('<br>');
    const direction = m.higherIsBetter ? ' (higher is better)' : '';
    lines.push(
      `| ${m.suite} | ${cell(m.metric)}${direction} | ${fmt(m.ours)} ${m.unit} | ${baselines} | ${m.ratio ?? '–'} | ${cell(m.note ?? '')} |`,
    );
  }
  const failed = report.suites.filter((s) => s.error);
  if (failed.length > 0) {
    lines.push('', 'Failed suites:', '');
    for (const s of failed) lines.push(`- ${s.suite}: ${s.error!.split('\n')[0]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(round(value, 2));
}

export function writeReport(report: BenchReport, folder = 'bench-results'): { json: string; markdown: string } {
  mkdirSync(folder, { recursive: true });
  const json = join(folder, 'results.json');
  const markdown = join(folder, 'results.md');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(markdown, toMarkdown(report));
  return { json, markdown };
}

/** The commit being measured, and whether the working tree differed from it. */
export function measuredCommit(): string | undefined {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}
