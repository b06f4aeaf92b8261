import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the reliability tests leave the figures of their last run (RELIABILITY.md quotes them). */
export const FIGURES_DIR = join(process.cwd(), 'test-results', 'reliability');

/**
 * Records the figures of one reliability test (inputs tried, faults injected, messages lost…),
 * merged into `test-results/reliability/<name>.json` with the time of the run, and prints them.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${name}.json`);
  let previous: Record<string, unknown> = {};
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    previous = {};
  }
  const merged = { ...previous, ...figures, recordedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  console.log(`# figures ${name}: ${JSON.stringify(figures)}`);
}
