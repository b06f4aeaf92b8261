import { startBrowserBench } from './lib/browser.js';
import type { Measurement } from './lib/results.js';
import { median, percentile } from './lib/stats.js';
import type { MeshResult } from './pages/mesh.js';

const PARTIES = 4;
const RUNS = 5;
const FPS_MS = 5_000;

const BASELINE = 'bare RTCPeerConnection full mesh (BroadcastChannel)';

/**
 * Mesh calls (issue: mesh): a 1:1 call grown to 3 and then 4 parties, all agents in one page; setup
 * time of each joining party and frames decoded per second of every remote camera stream, next to the
 * same number of bare RTCPeerConnection pairs in a full mesh in one page.
 */
export async function meshCall(): Promise<Measurement[]> {
  const bench = await startBrowserBench();
  try {
    const results = {} as Record<'ours' | 'bare', MeshResult>;
    for (const kind of ['ours', 'bare'] as const) {
      const { context, page } = await bench.openPage('/bench/pages/mesh.html');
      results[kind] = await page.evaluate(([k, parties, runs, ms]) => window.mesh.run(k, parties, runs, ms), [
        kind,
        PARTIES,
        RUNS,
        FPS_MS,
      ] as const);
      await context.close();
    }
    const measurements: Measurement[] = [];
    for (const parties of [3, 4]) {
      const joins = (kind: 'ours' | 'bare') => results[kind].joins.map((run) => run[parties - 2]!);
      for (const p of [50, 99]) {
        measurements.push({
          suite: 'mesh',
          metric: `setup ${p === 50 ? 'p50' : 'max'} of the ${parties === 3 ? '3rd' : '4th'} party (${parties}-party call)`,
          unit: 'ms',
          ours: percentile(joins('ours'), p),
          baselines: [{ name: BASELINE, value: percentile(joins('bare'), p) }],
          note: `${p === 50 ? 'median' : 'the slowest'} of ${RUNS} runs after a warm-up; ours: from addParticipant (it rings, auto-accepts with camera) until the new party is Connected at everyone and everyone at it; bare: from creating the new party's ${parties - 1} peer-connection pairs until all are connected`,
        });
      }
      const fps = (kind: 'ours' | 'bare') => results[kind].fps[parties] ?? [];
      const streams = parties * (parties - 1);
      for (const [label, pick] of [
        ['median', median],
        ['lowest', (values: number[]) => Math.min(...values)],
      ] as const) {
        measurements.push({
          suite: 'mesh',
          metric: `frames decoded per second per remote stream, ${label} (${parties}-party call)`,
          unit: 'fps',
          higherIsBetter: true,
          ours: pick(fps('ours')),
          baselines: [{ name: BASELINE, value: pick(fps('bare')) }],
          note: `${label} over the ${streams} remote camera streams (each party sees ${parties - 1}), all rendered at once, requestVideoFrameCallback presented frames over ${FPS_MS / 1000} s after 1 s of playing; fake camera 640×480, one page; ours also plays every remote microphone and runs its speaking detection, the bare mesh plays no audio`,
        });
      }
    }
    return measurements;
  } finally {
    await bench.stop();
  }
}
