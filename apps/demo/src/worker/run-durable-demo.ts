/**
 * `pnpm demo:worker -- --durable`: the Workers package's Durable Object example (two workspaces in
 * one Worker, one object each, running the agent loop on alarms) in Miniflare against the embedded
 * simulator.
 */

import { MoleculeError } from '@molecule-ai/agent-core';
import { quote } from '../display.js';
import type { DemoOptions } from '../options.js';
import type { StepRunner } from '../step-runner.js';
import type { DemoOutcome, DemoView } from '../view/demo-view.js';
import { replyTextOf } from './reply-text.js';
import { runWorkerExampleDemo } from './worker-demo-frame.js';
import { loadDurableWorkerExample, type RunningDurableWorkerExample } from './worker-example.js';

/** A push URL `/a2a/<workspace id>/<capability>` with the id shortened and the capability masked. */
function maskObjectUrl(url: string): string {
  return url.replace(
    /\/a2a\/([0-9A-Za-z]{8})[0-9A-Za-z_-]*\/([A-Za-z0-9_-]{4})[A-Za-z0-9_-]+$/,
    '/a2a/$1…/$2…',
  );
}

/** Runs the Durable Object demo and reports it through `view`. Never throws. */
export function runDurableDemo(
  options: DemoOptions,
  view: DemoView,
  signal: AbortSignal,
): Promise<DemoOutcome> {
  return runWorkerExampleDemo(options, view, signal, {
    runtime: 'Cloudflare Worker, Durable Objects (Miniflare)',
    load: loadDurableWorkerExample,
    started: (running, origin) => ({
      summary: `simulator on ${running.platform.url}; one Worker in Miniflare on ${origin} serves ${running.workspaceIds.length} workspaces`,
      details: running.workspaceIds.map((id) => `workspace ${id}: its own Durable Object`),
      data: { url: running.platform.url, workspaceIds: running.workspaceIds },
    }),
    run: (runner, running) => runObjects(runner, running),
    completed: 'Durable Object demo complete',
  });
}

/** The demo's steps: the cron starts the objects, a pushed message to each, their next alarms. */
async function runObjects(runner: StepRunner, running: RunningDurableWorkerExample): Promise<void> {
  const { sim, workspaceIds } = running;

  await runner.run('start', 'Start the agents: their first alarms register', async () => {
    const fired = await running.startAll();
    if (fired.outcome !== 'ok') throw new MoleculeError(`the cron ended with ${fired.outcome}`);
    await running.whenOnline();
    const registers = sim.requests.filter((r) => r.path === '/registry/register' && r.status === 200);
    return {
      summary: `the cron started ${workspaceIds.length} objects; each alarm registered its workspace once (tokens stay in the objects)`,
      details: workspaceIds.map(
        (id) =>
          `${id.slice(0, 8)}: ${sim.admin.workspace(id)?.status}, push ${maskObjectUrl(sim.admin.workspace(id)?.url ?? '')}`,
      ),
      data: {
        registers: registers.length,
        online: workspaceIds.map((id) => sim.admin.workspace(id)?.live === true),
      },
    };
  });

  await runner.run('canvas', 'A canvas message to each workspace', async () => {
    const replies: string[] = [];
    for (const id of workspaceIds) {
      const answer = await running.sendMessage(id, 'Hello, object!');
      if (answer.status !== 200)
        throw new MoleculeError(`the push to ${id.slice(0, 8)} got ${answer.status}`);
      replies.push(replyTextOf(answer.body));
    }
    return {
      summary: 'the Worker routed each push to its workspace object by its capability path',
      details: replies.map((reply) => `reply ${quote(reply)}`),
      data: { replies },
    };
  });

  await runner.run('alarms', 'Next alarms', async () => {
    const statuses = await Promise.all(workspaceIds.map((id) => running.control(id, 'status')));
    const seconds = statuses.map((s) => Math.round(((s.nextAlarmAt ?? Date.now()) - Date.now()) / 1000));
    return {
      summary: 'each object heartbeats and reads /state on its own alarm every 30 s; no cron needed',
      details: workspaceIds.map((id, i) => `${id.slice(0, 8)}: running, next alarm in ${seconds[i]} s`),
      data: { running: statuses.map((s) => s.running), nextAlarmInSeconds: seconds },
    };
  });
}
