import { startBrowserBench } from './lib/browser.js';
import type { Measurement } from './lib/results.js';
import { percentile } from './lib/stats.js';

const RUNS = 10;

type Sample = { connectedMs: number; firstFrameMs: number };

/** Call setup (issue: calling): ours vs bare RTCPeerConnections over BroadcastChannel vs plain PeerJS. */
export async function callSetup(): Promise<Measurement[]> {
  const bench = await startBrowserBench();
  try {
    const results: Record<string, Sample[]> = {};
    for (const kind of ['ours', 'bareRtc', 'plainPeerJs'] as const) {
      // A fresh context per kind: no state shared between the contenders.
      const { context, page } = await bench.openPage('/bench/pages/calling.html');
      results[kind] = await page.evaluate(([k, runs]) => window.bench.run(k, runs), [kind, RUNS] as const);
      await context.close();
    }
    const measurements: Measurement[] = [];
    const metrics = [
      {
        metric: 'startCall → remote participant Connected',
        pick: (s: Sample) => s.connectedMs,
        extra: '; ours includes ringing, auto-accept and the control-plane round trips',
      },
      { metric: 'startCall → first decoded remote frame', pick: (s: Sample) => s.firstFrameMs, extra: '' },
    ];
    for (const { metric, pick, extra } of metrics) {
      for (const p of [50, 99]) {
        const value = (samples: Sample[]) => percentile(samples.map(pick), p);
        measurements.push({
          suite: 'calling',
          metric: `setup ${p === 50 ? 'p50' : 'max'}: ${metric}`,
          unit: 'ms',
          ours: value(results.ours!),
          // Plain PeerJS first: it is what ours is built on, and what the targets are set against.
          baselines: [
            { name: 'plain PeerJS peer.call (same server)', value: value(results.plainPeerJs!) },
            { name: 'bare RTCPeerConnection pair (BroadcastChannel)', value: value(results.bareRtc!) },
          ],
          note: `${p === 50 ? 'median' : 'the slowest'} of ${RUNS} 1:1 calls after a warm-up, both agents in one page, fake camera 640×480; every contender opens its devices inside the timed span (the callee its camera, the caller its microphone)${extra}`,
        });
      }
    }
    return measurements;
  } finally {
    await bench.stop();
  }
}
