/**
 * `pnpm demo:worker`: the Workers package's example agent (a Cloudflare Worker built with
 * `defineAgentWorker`) in Miniflare against the embedded simulator, one cron tick at a time.
 */

import { MoleculeError } from '@molecule-ai/agent-core';
import type { RecordedRequest } from '@molecule-ai/platform-sim';
import { maskPushUrl, quote } from '../display.js';
import type { DemoOptions } from '../options.js';
import type { StepRunner } from '../step-runner.js';
import type { DemoOutcome, DemoView } from '../view/demo-view.js';
import { replyTextOf } from './reply-text.js';
import { runWorkerExampleDemo } from './worker-demo-frame.js';
import { loadWorkerExample, type RunningWorkerExample } from './worker-example.js';

function describeRequests(requests: readonly RecordedRequest[], workspaceId: string): string[] {
  return requests.map((r) => `${r.method} ${r.path.replace(workspaceId, ':id')} → ${r.status}`);
}

/** Runs the Worker demo and reports it through `view`. Never throws. */
export function runWorkerDemo(
  options: DemoOptions,
  view: DemoView,
  signal: AbortSignal,
): Promise<DemoOutcome> {
  return runWorkerExampleDemo(options, view, signal, {
    runtime: 'Cloudflare Worker (Miniflare)',
    load: loadWorkerExample,
    started: (running, origin) => ({
      summary: `simulator on ${running.platform.url}; the worker runs in Miniflare on ${origin}`,
      details: [
        `workspace ${running.workspaceId} (external)`,
        `cron ${running.crons.join(', ')}: one tick of the agent loop per trigger`,
      ],
      data: { url: running.platform.url, workspaceId: running.workspaceId, crons: running.crons },
    }),
    run: (runner, running) => runTicks(runner, running),
    completed: 'Worker demo complete',
  });
}

/** The demo's cron ticks: register, heartbeat, a pushed message, the pause and the silence after it. */
async function runTicks(runner: StepRunner, running: RunningWorkerExample): Promise<void> {
  const { sim, workspaceId } = running;
  const kv = await running.mf.getKVNamespace('AGENT_KV');
  const loopKey = `molecule:loop:${workspaceId}`; // where defineAgentWorker keeps the loop state
  // Cloudflare fires the cron once a minute, and the agent's 30 s heartbeat and /state are due
  // at every tick. The demo ticks back to back, so it first moves the saved schedule one minute
  // into the past: to the agent, exactly as if that minute had passed.
  const aMinuteLater = async (): Promise<void> => {
    const saved = await kv.get(loopKey);
    if (saved === null) return;
    const state = JSON.parse(saved) as Record<string, unknown>;
    for (const key of ['heartbeat', 'statePoll', 'delivery']) {
      const schedule = state[key] as { dueAt?: number } | undefined;
      if (typeof schedule?.dueAt === 'number') schedule.dueAt -= 60_000;
    }
    if (typeof state.startedAt === 'number') state.startedAt -= 60_000;
    await kv.put(loopKey, JSON.stringify(state));
  };
  const tick = async (): Promise<readonly RecordedRequest[]> => {
    await aMinuteLater();
    const before = sim.requests.length;
    const outcome = await running.tick();
    if (outcome.outcome !== 'ok') throw new MoleculeError(`the cron tick ended with ${outcome.outcome}`);
    return sim.requests.slice(before);
  };

  await runner.run('register', 'Cron tick: register', async () => {
    const requests = await tick();
    const registered = requests.some((r) => r.path === '/registry/register' && r.status === 200);
    const ws = sim.admin.workspace(workspaceId);
    return {
      summary: registered
        ? 'the first tick registered; the platform minted a token, kept in KV and never shown'
        : 'the tick did not register',
      details: [...describeRequests(requests, workspaceId), `push endpoint ${maskPushUrl(ws?.url ?? '')}`],
      data: {
        registered,
        status: ws?.status,
        liveTokens: ws?.liveTokens,
        requests: describeRequests(requests, workspaceId),
      },
    };
  });

  await runner.run('heartbeat', 'Next tick: heartbeat, /state', async () => {
    const requests = await tick();
    const ws = sim.admin.workspace(workspaceId);
    return {
      summary: `the platform sees the worker ${ws?.status}${ws?.live ? ' and live' : ''}`,
      details: describeRequests(requests, workspaceId),
      data: { status: ws?.status, live: ws?.live, requests: describeRequests(requests, workspaceId) },
    };
  });

  await runner.run('canvas', 'Answer a canvas message', async () => {
    const answer = await running.sendMessage('Hello, worker!');
    const reply = replyTextOf(answer.body);
    return {
      summary: `the platform pushed it to the worker's fetch handler; reply ${quote(reply)}`,
      data: { httpStatus: answer.status, reply },
    };
  });

  await runner.run('pause', 'Platform pauses the workspace', async () => {
    await sim.admin.pause(workspaceId);
    const outputBefore = runner.current?.output.length ?? 0;
    const requests = await tick();
    // The example worker logs each tick's report; its stop reason is in there.
    const stopped = (runner.current?.output ?? [])
      .slice(outputBefore)
      .some((line) => line.includes('stop=paused'));
    return {
      summary: stopped
        ? "the next tick read /state, stopped the agent and left a stop marker in KV: 'paused'"
        : 'the next tick did not notice the pause',
      details: describeRequests(requests, workspaceId),
      data: { stopReason: stopped ? 'paused' : null, requests: describeRequests(requests, workspaceId) },
    };
  });

  await runner.run('stopped', 'Next tick: nothing to do', async () => {
    const requests = await tick();
    return {
      summary:
        requests.length === 0
          ? 'nothing sent: a stopped agent ticks silently until agent.resume(env)'
          : `${requests.length} requests sent after the stop`,
      data: { requests: describeRequests(requests, workspaceId) },
    };
  });
}
