// `npx tsx bench/update-readme.ts`: puts the last run's table (bench-results/results.md) into
// README.md's "## Benchmarks" section, replacing the one there.
import { readFileSync } from 'node:fs';
import { updateReadme } from './lib/readme.js';

updateReadme(readFileSync('bench-results/results.md', 'utf8'));
console.log('README.md: Benchmarks section updated from bench-results/results.md');
