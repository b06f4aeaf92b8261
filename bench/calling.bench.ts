import { launchBrowser } from '../test/e2e/browser.js';
import { startDemoServer } from '../mock-server/demoServer.js';
import type { Measurement } from './lib/results.js';
import { median } from './lib/stats.js';

const RUNS = 10;

type Sample = { connectedMs: number; firstFrameMs: number };

/** Call setup (issue: calling): ours vs bare RTCPeerConnections over BroadcastChannel vs plain PeerJS. */
export async function callSetup(): Promise<Measurement[]> {
  const service = await startDemoServer();
  const browser = await launchBrowser();
  try {
    const results: Record<string, Sample[]> = {};
    for (const kind of ['ours', 'bareRtc', 'plainPeerJs'] as const) {
      // A fresh context per kind: no state shared between the contenders.
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      await page.goto(new URL('/bench/pages/calling.html', service.endpoint).href);
      await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
      results[kind] = await page.evaluate(([k, runs]) => window.bench.run(k, runs), [kind, RUNS] as const);
      await context.close();
    }
    const baselines = (pick: (s: Sample) => number) => [
      { name: 'bare RTCPeerConnection pair (BroadcastChannel)', value: median(results.bareRtc!.map(pick)) },
      { name: 'plain PeerJS peer.call (same server)', value: median(results.plainPeerJs!.map(pick)) },
    ];
    const note = `median of ${RUNS} runs after a warm-up, one page, fake camera 640×480`;
    return [
      {
        suite: 'calling',
        metric: 'setup: startCall → remote participant Connected',
        unit: 'ms',
        ours: median(results.ours!.map((s) => s.connectedMs)),
        baselines: baselines((s) => s.connectedMs),
        note: `${note}; ours includes ringing, auto-accept and the control-plane round trips`,
      },
      {
        suite: 'calling',
        metric: 'setup: startCall → first decoded remote frame',
        unit: 'ms',
        ours: median(results.ours!.map((s) => s.firstFrameMs)),
        baselines: baselines((s) => s.firstFrameMs),
        note,
      },
    ];
  } finally {
    await browser.close();
    await service.close();
  }
}
