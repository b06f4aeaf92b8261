import { startBrowserBench } from './lib/browser.js';
import type { Measurement } from './lib/results.js';
import { percentile } from './lib/stats.js';

const RUNS = 5;
const FPS_WINDOW_MS = 2000;

type Sample = { connectedMs: number; firstFrameMs: number; fps: number; path: string };

/** Calls across networks (issue 16): relayed through coturn (relay forced) next to direct, on loopback. */
export async function relayCall(): Promise<Measurement[]> {
  const bench = await startBrowserBench({ turn: true });
  try {
    const results: Record<'direct' | 'relay', Sample[]> = { direct: [], relay: [] };
    for (const policy of ['all', 'relay'] as const) {
      const { context, page } = await bench.openPage('/bench/pages/relay.html');
      const samples = await page.evaluate(([p, runs, windowMs]) => window.relayBench.run(p, runs, windowMs), [
        policy,
        RUNS,
        FPS_WINDOW_MS,
      ] as const);
      const expected = policy === 'relay' ? 'relayed' : 'direct';
      if (samples.some((sample) => sample.path !== expected))
        throw new Error(`${policy} calls took ${samples.map((s) => s.path).join(', ')}, not ${expected}`);
      results[policy === 'relay' ? 'relay' : 'direct'] = samples;
      await context.close();
    }
    const median = (samples: Sample[], pick: (s: Sample) => number) => percentile(samples.map(pick), 50);
    const note = `median of ${RUNS} 1:1 calls after a warm-up, both agents in one page, coturn 4.6.1 on loopback (relay forced with iceTransportPolicy 'relay'), fake camera`;
    const rows: { metric: string; unit: string; pick: (s: Sample) => number }[] = [
      { metric: 'relayed setup: startCall → remote participant Connected', unit: 'ms', pick: (s) => s.connectedMs },
      { metric: 'relayed setup: startCall → first decoded remote frame', unit: 'ms', pick: (s) => s.firstFrameMs },
      { metric: `relayed frame rate received (over ${FPS_WINDOW_MS / 1000} s)`, unit: 'fps', pick: (s) => s.fps },
    ];
    return rows.map(({ metric, unit, pick }) => ({
      suite: 'relay',
      metric,
      unit,
      ...(unit === 'fps' ? { higherIsBetter: true } : {}),
      ours: median(results.relay, pick),
      baselines: [{ name: 'the same call direct (ICE free to pick: host candidates)', value: median(results.direct, pick) }],
      note,
    }));
  } finally {
    await bench.stop();
  }
}
