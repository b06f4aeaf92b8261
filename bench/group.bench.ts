import { startBrowserBench } from './lib/browser.js';
import type { Measurement } from './lib/results.js';
import { median } from './lib/stats.js';
import type { GroupResult } from './pages/mesh.js';

const PARTIES = 6;
const RUNS = 3;
const UPLOAD_MS = 3000;
const BASELINE = 'bare RTCPeerConnection full mesh (BroadcastChannel)';
const ORDINAL = ['', '', '2nd', '3rd', '4th', '5th', '6th'];

/**
 * Group calls by id (issue 15): parties join one after another with their camera, all in one page;
 * the time until the Nth is Connected at everyone and everyone at it, next to a bare full mesh adding
 * its Nth party's pairs; and each party's upload as the call grows (the mesh steps cameras down).
 */
export async function groupCall(): Promise<Measurement[]> {
  const bench = await startBrowserBench();
  try {
    const ours = await bench.openPage('/bench/pages/mesh.html');
    const group: GroupResult = await ours.page.evaluate(([n, runs, ms]) => window.mesh.group(n, runs, ms), [
      PARTIES,
      RUNS,
      UPLOAD_MS,
    ] as const);
    await ours.context.close();
    const bare = await bench.openPage('/bench/pages/mesh.html');
    const bareJoins: number[][] = await bare.page.evaluate(([n, runs]) => window.mesh.bareJoins(n, runs), [PARTIES, RUNS] as const);
    await bare.context.close();

    const measurements: Measurement[] = [];
    for (let n = 2; n <= PARTIES; n++) {
      const oursJoins = group.joins.map((run) => run[n - 2]!);
      const bareN = bareJoins.map((run) => run[n - 2]!);
      measurements.push({
        suite: 'group',
        metric: `join of the ${ORDINAL[n]} party, median (group call by id, ${n} parties)`,
        unit: 'ms',
        ours: median(oursJoins),
        baselines: [{ name: BASELINE, value: median(bareN) }],
        note: `median of ${RUNS} runs after a warm-up; ours: from callAgent.join({ groupId }) with camera until the new party is Connected at everyone and everyone at it; bare: from creating its ${n - 1} peer-connection pairs until all are connected; one page, fake camera`,
      });
    }
    for (let n = 2; n <= PARTIES; n++) {
      const upload = group.uploadKbps[n] ?? [];
      measurements.push({
        suite: 'group',
        metric: `upload per party, median (${n}-party group call)`,
        unit: 'kbit/s',
        ours: median(upload),
        baselines: [{ name: 'the same party in the 2-party call', value: median(group.uploadKbps[2] ?? []) }],
        note: `bytes sent over all of a party's links (audio and camera to each of the ${n - 1} others) over ${UPLOAD_MS / 1000} s, 1.5 s after the ${ORDINAL[n] || '2nd'} joined; highest ${Math.round(Math.max(...upload, 0))} kbit/s; the mesh steps each camera down as the call grows (MESH_VIDEO_STEPS)`,
      });
    }
    return measurements;
  } finally {
    await bench.stop();
  }
}
