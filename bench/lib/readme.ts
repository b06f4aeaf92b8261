import { readFileSync, writeFileSync } from 'node:fs';

const HEADING = '## Benchmarks';

/** The README's benchmark section: how to run it, then the last full run's table (results.md). */
export function benchmarkSection(resultsMarkdown: string): string {
  return `${HEADING}

\`npm run bench\` measures each hot path side by side with a baseline measured in the same run, prints
the table below and writes \`bench-results/results.json\` and \`results.md\`; \`npm run bench -- chat mesh\`
runs only the suites named (chat, identity, calling, fanout, bundle, render, mesh, warmstart). Each suite
has a time budget and the whole run stops by itself within 10 minutes on 2 cores. \`npm run bench --
--update-readme\` (after a full run without failures) or \`npx tsx bench/update-readme.ts\` puts the last
table here. Ratios are ours over the first baseline: below 1 is faster or smaller for times and sizes,
above 1 is faster for rates marked "higher is better". The bundle suite also writes
\`bench-results/bundle-modules.md\`: chunk by chunk, what each UI bundle and the demo page are made of.

${resultsMarkdown.trim()}
`;
}

/** Replaces README's "## Benchmarks" section (up to the next "## " heading), or appends one. */
export function updateReadme(resultsMarkdown: string, readmePath = 'README.md'): void {
  const readme = readFileSync(readmePath, 'utf8');
  const section = benchmarkSection(resultsMarkdown);
  const start = readme.search(/^## Benchmarks[ \t]*$/m);
  let updated: string;
  if (start < 0) {
    updated = `${readme.trimEnd()}\n\n${section}`;
  } else {
    const rest = readme.slice(start + HEADING.length);
    const nextHeading = rest.search(/^## /m);
    const end = nextHeading < 0 ? readme.length : start + HEADING.length + nextHeading;
    updated = `${readme.slice(0, start)}${section}${nextHeading < 0 ? '' : `\n${readme.slice(end)}`}`;
  }
  writeFileSync(readmePath, updated);
}
