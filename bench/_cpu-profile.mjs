// A CPU profile of a piece of benchmark code, taken in the run (node:inspector), summarised as the
// share of busy time per part of the stack, so RESULTS.md can say what dominates from a profile.
import { Session } from 'node:inspector/promises';

/** Which part of the stack a profiled frame belongs to. */
function partOf(frame) {
  const { url, functionName } = frame;
  if (url === '') {
    if (functionName === '(idle)') return null;
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8/Node native (program)';
    return `native (${functionName})`;
  }
  // V8 counts JSON.parse (a builtin) as its caller's own time: in parseBodyText that is all there is.
  if (url.includes('/packages/core/') && functionName === 'parseBodyText') return 'JSON.parse of the body';
  if (url.includes('/packages/core/')) return 'SDK core (client)';
  if (url.includes('/packages/node/')) return 'SDK Node transport';
  if (url.includes('/valibot')) return 'valibot';
  if (url.includes('/undici')) return 'undici (HTTP/1.1 client)';
  if (url.startsWith('node:')) return 'Node internals (streams, sockets, timers)';
  if (url.includes('/bench/')) return 'benchmark loop';
  return 'other';
}

/**
 * Runs `fn` `iterations` times under the sampling profiler and returns the busy time's split, e.g.
 * `undici 31 %, Node internals 28 %, native (writev) 14 %, SDK core 4 %`.
 */
export async function profileShares(fn, iterations, { top = 7 } = {}) {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    for (let i = 0; i < iterations; i++) await fn();
    const { profile } = await session.post('Profiler.stop');
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const time = new Map();
    let busy = 0;
    profile.samples.forEach((id, index) => {
      const part = partOf(byId.get(id).callFrame);
      if (part === null) return;
      const delta = profile.timeDeltas[index] ?? 0;
      time.set(part, (time.get(part) ?? 0) + delta);
      busy += delta;
    });
    return [...time.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([part, us]) => `${part} ${((100 * us) / busy).toFixed(0)} %`)
      .join(', ');
  } finally {
    await session.post('Profiler.disable').catch(() => {});
    session.disconnect();
  }
}
