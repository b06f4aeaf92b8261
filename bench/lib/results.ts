import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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
  note?: string;
}

export interface BenchReport {
  date: string;
  machine: string;
  node: string;
  durationSeconds: number;
  measurements: (Measurement & { ratio: number | null })[];
}

export function machineDescription(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB`;
}

export function withRatios(measurements: Measurement[]): BenchReport['measurements'] {
  return measurements.map((m) => {
    const base = m.baselines[0]?.value;
    return { ...m, ratio: base && Number.isFinite(base) && base !== 0 ? round(m.ours / base, 2) : null };
  });
}

export function toMarkdown(report: BenchReport): string {
  const lines = [
    `Last run: ${report.date} on ${report.machine}, Node ${report.node}, ${report.durationSeconds} s in all.`,
    '',
    '| suite | metric | ours | baseline(s) | ratio (ours / first baseline) |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const m of report.measurements) {
    const baselines = m.baselines.map((b) => `${b.name}: ${fmt(b.value)} ${m.unit}`).join('<br>');
    const direction = m.higherIsBetter ? ' (higher is better)' : '';
    lines.push(`| ${m.suite} | ${m.metric}${direction} | ${fmt(m.ours)} ${m.unit} | ${baselines} | ${m.ratio ?? '–'} |`);
  }
  return `${lines.join('\n')}\n`;
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
