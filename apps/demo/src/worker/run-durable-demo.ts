/**
 * `pnpm demo:worker -- --durable`: the Workers package's Durable Object example (two workspaces in
 * one Worker, one object each, running the agent loop on alarms) in Miniflare against the embedded
 * simulator.
 */

import { writeFile } from 'node:fs/promises';
import { MoleculeError } from '@molecule-ai/agent-core';
import { Cleanup } from '../cleanup.js';
import { quote } from '../display.js';
import type { DemoOptions } from '../options.js';
import { StepRunner } from '../step-runner.js';
import type { DemoOutcome, DemoView } from '../view/demo-view.js';
import { captureConsole } from './capture-console.js';
import { withoutForeignSignalHandlers } from './own-signals.js';
import { loadDurableWorkerExample, type RunningDurableWorkerExample } from './worker-example.js';

/** A push URL `/a2a/<workspace id>/<capability>` with the id shortened and the capability masked. */
function maskObjectUrl(url: string): string {
  return url.replace(
    /\/a2a\/([0-9A-Za-z]{8})[0-9A-Za-z_-]*\/([A-Za-z0-9_-]{4})[A-Za-z0-9_-]+$/,
    '/a2a/$1…/$2…',
  );
}

function replyTextOf(body: unknown): string {
  const parts =
    (body as { result?: { parts?: Array<{ kind?: string; text?: string }> } })?.result?.parts ?? [];
  return parts
    .filter((part) => part.kind === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** Runs the Durable Object demo and reports it through `view`. Never throws. */
export async function runDurableDemo(
  options: DemoOptions,
  view: DemoView,
  signal: AbortSignal,
): Promise<DemoOutcome> {
  const started = Date.now();
  const runner = new StepRunner(view, signal);
  const cleanup = new Cleanup();
  const data: Record<string, unknown> = {};
  let status: DemoOutcome['status'] = 'ok';
  let message = '';
  let example: RunningDurableWorkerExample | null = null;
  const restoreConsole = captureConsole((stream, line) =>
    runner.output(stream === 'stderr' ? `! ${line}` : line),
  );
  cleanup.add('restore the console', async () => restoreConsole());

  try {
    view.intro({ mode: 'simulator', runtime: 'Cloudflare Worker, Durable Objects (Miniflare)' });
    const startExample = await withoutForeignSignalHandlers(loadDurableWorkerExample);
    await runner.run('platform', 'Start the simulator and the Worker', async () => {
      const running = await withoutForeignSignalHandlers(() => startExample());
      example = running;
      cleanup.add('stop Miniflare and the simulator', () => running.close());
      const origin = (await running.mf.ready).origin;
      return {
        summary: `simulator on ${running.platform.url}; one Worker in Miniflare on ${origin} serves ${running.workspaceIds.length} workspaces`,
        details: running.workspaceIds.map((id) => `workspace ${id}: its own Durable Object`),
        data: { url: running.platform.url, workspaceIds: running.workspaceIds },
      };
    });
    const running = example as unknown as RunningDurableWorkerExample;
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
    message = `Durable Object demo complete: ${runner.steps.length} steps`;
  } catch (error) {
    ({ status, message } = runner.endedBy(error));
  }
  const running = example as RunningDurableWorkerExample | null;
  if (running) {
    data.platformUrl = running.platform.url;
    data.requests = running.sim.requests.map((r) => ({
      seq: r.seq,
      method: r.method,
      path: r.path,
      status: r.status,
    }));
    if (options.recordFile) {
      await writeFile(options.recordFile, `${JSON.stringify(running.sim.requests, null, 2)}\n`, {
        mode: 0o600,
      });
      data.recordFile = options.recordFile;
    }
  }
  const failures = await cleanup.runAll(10_000);
  if (failures.length > 0) data.cleanupFailures = failures;
  return { status, ms: Date.now() - started, steps: runner.steps, message, data };
}
