/**
 * The demo's story, step by step: the platform side (the simulator's admin API, or a real
 * platform) and the agent side (the SDK, see agent/), shown through a view.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, type CallPeerResult, callPeer } from '@molecule-ai/agent-core';
import type { PluginInstallProgress } from '@molecule-ai/agent-core/plugins';
import { defaultMoleculeDirectory } from '@molecule-ai/agent-node';
import { waitForDelegationResult } from './agent/delegation-result.js';
import { createDemoAgent, type DemoAgent, type RunningAgent } from './agent/demo-agent.js';
import { type HelperAgent, startHelperAgent } from './agent/helper-agent.js';
import { Cleanup } from './cleanup.js';
import { maskPushUrl, quote, shortId } from './display.js';
import type { DemoOptions } from './options.js';
import { DEMO_SECRETS, type EmbeddedPlatform, startEmbeddedPlatform } from './platform/embedded-platform.js';
import { type StepControl, type StepOutcome, StepRunner } from './step-runner.js';
import type { DemoOutcome, DemoView } from './view/demo-view.js';
import { formatBytes, formatDuration } from './view/format.js';

/** Loop cadence against the simulator: fast, so pause and delete are noticed in a blink. */
const SIM_LOOP = { heartbeatIntervalMs: 1_000, statePollIntervalMs: 100 };
/** Against a real platform: gentler, but a pause is still noticed within seconds. */
const REAL_LOOP = { heartbeatIntervalMs: 10_000, statePollIntervalMs: 5_000 };

function waitUntil(check: () => boolean, signal: AbortSignal, timeoutMs = 5_000): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) resolve(true);
      else if (signal.aborted || Date.now() - started > timeoutMs) resolve(false);
      else setTimeout(tick, 20);
    };
    tick();
  });
}

function replyTextOf(body: unknown): string {
  const result = (body as { result?: { parts?: Array<{ kind?: string; text?: string }> } })?.result;
  return (result?.parts ?? [])
    .filter((part) => part.kind === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

function peerCallOutcome(result: CallPeerResult): StepOutcome {
  if (result.status === 'queued') {
    return {
      summary: `the helper was busy: the platform queued the message (${result.queueId})`,
      data: { route: result.route, status: result.status },
    };
  }
  return {
    summary: `via ${result.route === 'direct' ? "the helper's own URL" : "the platform's A2A proxy"}, reply ${quote(result.text)}`,
    data: { route: result.route, status: result.status, reply: result.text },
  };
}

function pluginProgressView(control: StepControl): (event: PluginInstallProgress) => void {
  return (event) => {
    const total = event.totalBytes;
    const downloaded = total
      ? `${formatBytes(event.bytesDownloaded)} / ${formatBytes(total)}`
      : formatBytes(event.bytesDownloaded);
    const fraction = total ? event.bytesDownloaded / total : null;
    const label =
      event.phase === 'download' ? 'downloading' : event.phase === 'setup' ? 'setup.sh' : event.phase;
    control.progress({ label, fraction, text: `${downloaded} · ${event.entries} entries` });
    if (event.phase !== 'download') control.status(label === 'setup.sh' ? 'running setup.sh' : label);
  };
}

/** Runs the whole demo and reports it through `view`. Never throws. */
export async function runDemo(
  options: DemoOptions,
  view: DemoView,
  signal: AbortSignal,
): Promise<DemoOutcome> {
  const started = Date.now();
  const runner = new StepRunner(view, signal);
  const cleanup = new Cleanup();
  let embedded: EmbeddedPlatform | null = null;
  const data: Record<string, unknown> = {};
  let status: DemoOutcome['status'] = 'ok';
  let message = '';

  try {
    const mode = options.platform.kind === 'simulator' ? 'simulator' : 'platform';
    // The agent's code is the same on both: `#agent-runtime` resolves to the runtime's package.
    view.intro({ mode, runtime: 'Bun' in globalThis ? 'bun' : 'node' });
    const pluginsDir = await mkdtemp(join(tmpdir(), 'molecule-demo-plugins-'));
    cleanup.add('remove the plugins folder', () => rm(pluginsDir, { recursive: true, force: true }));
    let tokenDir = options.tokenDir;
    if (tokenDir === undefined && options.platform.kind === 'simulator') {
      // The simulator forgets everything at exit, so its tokens go to a folder that goes too.
      const temp = await mkdtemp(join(tmpdir(), 'molecule-demo-tokens-'));
      cleanup.add('remove the token folder', () => rm(temp, { recursive: true, force: true }));
      tokenDir = temp;
    }
    tokenDir ??= defaultMoleculeDirectory();

    await (options.platform.kind === 'simulator'
      ? runAgainstSimulator(runner, cleanup, tokenDir, pluginsDir, signal, (p) => {
          embedded = p;
        })
      : runAgainstPlatform(options, runner, cleanup, tokenDir, pluginsDir, signal));
    message = `Demo complete: ${runner.steps.length} steps`;
  } catch (error) {
    ({ status, message } = runner.endedBy(error));
    if (status === 'failed' && options.verbose && error instanceof Error && error.stack)
      data.stack = error.stack;
  }

  const failures = await cleanup.runAll();
  if (failures.length > 0) data.cleanupFailures = failures;
  const platform = embedded as EmbeddedPlatform | null;
  if (platform) {
    const requests = platform.requests();
    data.platformUrl = platform.url;
    data.requests = requests.map((r) => ({
      seq: r.seq,
      method: r.method,
      path: r.path,
      status: r.status,
      caller: r.headers['x-workspace-id'] ?? null,
    }));
    if (options.recordFile) {
      await writeFile(options.recordFile, `${JSON.stringify(requests, null, 2)}\n`, { mode: 0o600 });
      data.recordFile = options.recordFile;
    }
    if (status === 'ok') message += `; the platform saw ${requests.length} requests`;
  }
  return { status, ms: Date.now() - started, steps: runner.steps, message, data };
}

async function runAgainstSimulator(
  runner: StepRunner,
  cleanup: Cleanup,
  tokenDir: string,
  pluginsDir: string,
  signal: AbortSignal,
  exposePlatform: (platform: EmbeddedPlatform) => void,
): Promise<void> {
  let platform!: EmbeddedPlatform;
  await runner.run('platform', 'Start the platform simulator', async () => {
    platform = await startEmbeddedPlatform();
    exposePlatform(platform);
    cleanup.add('stop the platform simulator', () => platform.close());
    return {
      summary: `listening on ${platform.url} (dev mode: it may push to loopback)`,
      details: [
        `workspace demo-agent ${shortId(platform.agentWorkspaceId)} (external, secrets: ${Object.keys(DEMO_SECRETS).join(', ')})`,
        `workspace helper ${shortId(platform.helperWorkspaceId)} (external)`,
        `plugin ${platform.pluginName} published with a setup.sh`,
      ],
      data: {
        url: platform.url,
        agentWorkspaceId: platform.agentWorkspaceId,
        helperWorkspaceId: platform.helperWorkspaceId,
        plugin: platform.pluginName,
      },
    };
  });
  const { sim } = platform;
  const agentId = platform.agentWorkspaceId;
  const helperId = platform.helperWorkspaceId;
  const publicOrigin = 'http://localhost:{port}';

  let helper!: HelperAgent;
  await runner.run('helper', 'Start a second agent: helper', async (control) => {
    helper = await startHelperAgent(
      {
        platformUrl: platform.url,
        workspaceId: helperId,
        tokenDir,
        publicOrigin,
        heartbeatIntervalMs: SIM_LOOP.heartbeatIntervalMs,
        statePollIntervalMs: 500,
      },
      control.signal,
    );
    cleanup.add('stop the helper agent', () => helper.stop());
    return {
      summary: `online, push endpoint ${helper.pushOrigin}/a2a/…`,
      data: { workspaceId: helperId, pushOrigin: helper.pushOrigin },
    };
  });

  const agent = createDemoAgent({
    platformUrl: platform.url,
    workspaceId: agentId,
    tokenDir,
    pluginsDir,
    publicOrigin,
    ...SIM_LOOP,
  });
  let loop = await registerStep(runner, agent, undefined, signal);
  cleanup.add('stop the agent', () => loop.stop());
  await secretsStep(runner, agent);
  await pluginStep(runner, agent, platform.pluginName);

  await runner.run('online', 'Go online: the agent loop', async (control) => {
    const heartbeats = (): number => heartbeatCount(platform, agentId);
    const first = await waitUntil(() => heartbeats() > 0, control.signal);
    const snapshot = sim.admin.workspace(agentId);
    return {
      summary: `heartbeat every ${formatDuration(SIM_LOOP.heartbeatIntervalMs)}, /state every ${formatDuration(SIM_LOOP.statePollIntervalMs)}, messages pushed to the endpoint`,
      details: [`platform status: ${snapshot?.status}${first ? ', first heartbeat received' : ''}`],
      data: { status: snapshot?.status, heartbeats: heartbeats() },
    };
  });

  await peersStep(runner, agent, helperId);
  await runner.run('call-direct', 'Call the helper directly', async (control) =>
    peerCallOutcome(
      await callPeer(agent.client, helperId, 'Hi helper, are you there?', { signal: control.signal }),
    ),
  );
  await runner.run('call-proxy', 'Call the helper via the platform', async (control) =>
    peerCallOutcome(
      await callPeer(agent.client, helperId, 'Hi again, this time through the platform.', {
        preferDirect: false,
        signal: control.signal,
      }),
    ),
  );

  await runner.run('canvas', 'Answer a canvas message', async (control) => {
    const before = sim.admin.notifications(agentId).length;
    const text = 'Hi demo-agent! Could you post a status report?';
    control.status(`the canvas user writes ${quote(text)}`);
    const answer = await sim.admin.sendCanvasMessage(agentId, text);
    await waitUntil(() => sim.admin.notifications(agentId).length > before, control.signal);
    const notify = sim.admin.notifications(agentId).at(-1);
    const reply = replyTextOf(answer.body);
    return {
      summary: `replied ${quote(reply, 50)}${notify ? ' and posted a notify' : ''}`,
      details: [
        `chat reply (HTTP ${answer.status}): ${quote(reply)}`,
        `notify: ${quote(notify?.message ?? '(none)', 100)}`,
      ],
      data: { httpStatus: answer.status, reply, notify: notify?.message ?? null },
    };
  });

  await delegateStep(runner, agent, helperId);

  await runner.run('heartbeat', 'Heartbeat', async (control) => {
    await agent.client.heartbeat(
      { currentTask: 'Showing the demo', activeTasks: 0 },
      { signal: control.signal },
    );
    const snapshot = sim.admin.workspace(agentId);
    const count = heartbeatCount(platform, agentId);
    return {
      summary: `${count} heartbeats so far; the platform sees the agent ${snapshot?.status}${snapshot?.live ? ' and live' : ''}`,
      details: [
        `current task: ${quote(snapshot?.currentTask ?? '')}, uptime ${snapshot?.uptimeSeconds ?? 0} s`,
        'the platform marks an agent offline 180 s after its last heartbeat',
      ],
      data: {
        heartbeats: count,
        status: snapshot?.status,
        live: snapshot?.live,
        currentTask: snapshot?.currentTask,
      },
    };
  });

  await runner.run('pause', 'Platform pauses the workspace', async () => {
    const pausedAt = Date.now();
    await sim.admin.pause(agentId);
    const exit = await loop.exit;
    return {
      summary: `the agent noticed in ${formatDuration(Date.now() - pausedAt)} and exited: ${exit.reason}`,
      data: { exitReason: exit.reason, lastStatus: exit.lastStatus },
    };
  });

  await runner.run('restart', 'Resume, restart the agent', async (control) => {
    await sim.admin.resume(agentId);
    loop = await agent.start(signal);
    const connection = loop;
    await waitUntil(() => sim.admin.workspace(agentId)?.status === 'online', control.signal);
    return {
      summary: connection.tokenIssued
        ? 'registered again; the platform minted a new token'
        : 'registered again with the cached token (nothing minted), loop running',
      details: [
        `new push endpoint ${connection.pushOrigin}/a2a/…`,
        `platform status: ${sim.admin.workspace(agentId)?.status}`,
      ],
      data: { tokenIssued: connection.tokenIssued, status: sim.admin.workspace(agentId)?.status },
    };
  });

  await runner.run('delete', 'Platform deletes the workspace', async () => {
    const deletedAt = Date.now();
    await sim.admin.delete(agentId);
    const exit = await loop.exit;
    return {
      summary: `its tokens were revoked, /state answered 401; the agent exited in ${formatDuration(Date.now() - deletedAt)}: ${exit.reason}`,
      data: { exitReason: exit.reason, lastStatus: exit.lastStatus },
    };
  });
}

async function runAgainstPlatform(
  options: DemoOptions,
  runner: StepRunner,
  cleanup: Cleanup,
  tokenDir: string,
  pluginsDir: string,
  signal: AbortSignal,
): Promise<void> {
  if (options.platform.kind !== 'platform') return;
  const settings = options.platform;
  await runner.run('platform', 'Use the platform', async () => ({
    summary: `${settings.url}, workspace ${settings.workspaceId}`,
    details: settings.orgId ? [`organisation ${settings.orgId}`] : [],
    data: { url: settings.url, agentWorkspaceId: settings.workspaceId },
  }));
  runner.skip(
    'helper',
    'Start a second agent: helper',
    'needs a second workspace, which only the simulator creates',
    ['set MOLECULE_DEMO_PEER_ID to a workspace this one may talk to, and the demo calls and delegates to it'],
  );

  const agent = createDemoAgent({
    platformUrl: settings.url,
    workspaceId: settings.workspaceId,
    token: settings.token,
    orgId: settings.orgId,
    tokenDir,
    pluginsDir,
    publicOrigin: options.publicOrigin,
    pushPort: options.pushPort,
    ...REAL_LOOP,
    // With --stay, messages from the canvas or peers show up under the waiting step.
    ...(options.stay ? { onActivity: (line: string) => runner.output(line) } : {}),
  });
  const loop = await registerStep(
    runner,
    agent,
    settings.token ? 'MOLECULE_WORKSPACE_TOKEN' : undefined,
    signal,
  );
  cleanup.add('stop the agent', () => loop.stop());
  await secretsStep(runner, agent);
  if (settings.plugin) await pluginStep(runner, agent, settings.plugin);
  else
    runner.skip(
      'plugin',
      'Install a plugin',
      "set MOLECULE_DEMO_PLUGIN to the name of one of your platform's plugins",
    );

  await runner.run('online', 'Go online: the agent loop', async () => ({
    summary: `heartbeat every ${formatDuration(REAL_LOOP.heartbeatIntervalMs)}, /state every ${formatDuration(REAL_LOOP.statePollIntervalMs)}, messages pushed to the endpoint`,
  }));

  const peerId = settings.peerId;
  await peersStep(runner, agent, peerId);
  if (peerId) {
    await runner.run('call-direct', 'Call the peer directly', async (control) =>
      peerCallOutcome(
        await callPeer(agent.client, peerId, 'Hello from the Molecule SDK demo.', { signal: control.signal }),
      ),
    );
    await runner.run('call-proxy', 'Call the peer via the platform', async (control) =>
      peerCallOutcome(
        await callPeer(agent.client, peerId, 'Hello again, through the platform.', {
          preferDirect: false,
          signal: control.signal,
        }),
      ),
    );
  } else {
    const why = 'set MOLECULE_DEMO_PEER_ID to call a peer';
    runner.skip('call-direct', 'Call a peer directly', why);
    runner.skip('call-proxy', 'Call a peer via the platform', why);
  }
  runner.skip(
    'canvas',
    'Answer a canvas message',
    options.stay
      ? 'send the workspace a chat message from the canvas now: the agent answers while it runs'
      : 'only a person in the canvas can send one: run with --stay and write to the workspace',
  );
  if (peerId) await delegateStep(runner, agent, peerId);
  else runner.skip('delegate', 'Delegate a task', 'set MOLECULE_DEMO_PEER_ID to delegate to a peer');

  await runner.run('heartbeat', 'Heartbeat', async (control) => {
    await agent.client.heartbeat(
      { currentTask: 'Showing the demo', activeTasks: 0 },
      { signal: control.signal },
    );
    return {
      summary: `sent; the loop sends one every ${formatDuration(REAL_LOOP.heartbeatIntervalMs)}`,
      details: ['the platform marks an agent offline 180 s after its last heartbeat'],
    };
  });

  if (options.stay) {
    await runner.run('wait', 'Run until paused or deleted', async (control) => {
      control.status('running; pause or delete the workspace in the canvas, or press Ctrl-C');
      const exit = await loop.exit;
      if (exit.reason === 'aborted') throw new AbortError('stopped');
      return { summary: `the agent exited: ${exit.reason}`, data: { exitReason: exit.reason } };
    });
    return;
  }
  const why =
    'only an operator can do this on a real platform: do it in the canvas while the agent runs (--stay)';
  runner.skip('pause', 'Platform pauses the workspace', why, ["the agent then exits with 'paused'"]);
  runner.skip('delete', 'Platform deletes the workspace', why, [
    "its tokens are revoked, /state answers 401 and the agent exits with 'revoked'",
  ]);
  await runner.run('stop', 'Stop the agent', async () => {
    const exit = await loop.stop();
    return {
      summary: `the agent loop exited: ${exit.reason}; the workspace stays as it is`,
      data: { exitReason: exit.reason },
    };
  });
}

function heartbeatCount(platform: EmbeddedPlatform, workspaceId: string): number {
  return platform
    .requests()
    .filter(
      (r) =>
        r.path === '/registry/heartbeat' &&
        r.status === 200 &&
        (r.json as { workspace_id?: unknown } | undefined)?.workspace_id === workspaceId,
    ).length;
}

/** Starts the agent (it registers, then runs until stopped); resolves with it running. */
async function registerStep(
  runner: StepRunner,
  agent: DemoAgent,
  tokenSource: string | undefined,
  signal: AbortSignal,
): Promise<RunningAgent> {
  let running!: RunningAgent;
  await runner.run('register', 'Register the agent', async () => {
    running = await agent.start(signal);
    const connection = running;
    const mode = await stat(agent.tokenFile).then(
      (info) => (info.mode & 0o777).toString(8),
      () => null,
    );
    const summary = connection.tokenIssued
      ? 'the platform minted a token: saved to the token file, never shown'
      : tokenSource
        ? `registered with the token from ${tokenSource} (kept in memory)`
        : 'registered with the cached token (nothing minted)';
    return {
      summary,
      details: [
        mode
          ? `token file ${agent.tokenFile} (mode ${mode})`
          : `no token file (${agent.tokenFile} not written)`,
        `push endpoint ${connection.pushOrigin}/a2a/…`,
      ],
      data: {
        tokenIssued: connection.tokenIssued,
        tokenFile: agent.tokenFile,
        tokenFileMode: mode,
        pushOrigin: connection.pushOrigin,
      },
    };
  });
  return running;
}

async function secretsStep(runner: StepRunner, agent: DemoAgent): Promise<void> {
  await runner.run('secrets', 'Pull the workspace secrets', async (control) => {
    const names = Object.keys(await agent.pullSecrets(control.signal)).sort();
    return {
      summary:
        names.length === 0
          ? 'no secrets set for this workspace'
          : `${names.length} secret${names.length === 1 ? '' : 's'}: ${names.join(', ')} (values stay in memory)`,
      data: { names },
    };
  });
}

async function pluginStep(runner: StepRunner, agent: DemoAgent, name: string): Promise<void> {
  await runner.run('plugin', `Install the plugin ${name}`, async (control) => {
    control.status('downloading');
    const result = await agent.installPlugin(name, {
      signal: control.signal,
      onProgress: pluginProgressView(control),
      onOutput: (stream, line) => control.output(stream === 'stderr' ? `! ${line}` : line),
    });
    const verified =
      result.verifiedWith === null
        ? 'no hash to verify'
        : `sha256 verified (${result.verifiedWith === 'plugin.yaml' ? 'plugin.yaml' : 'pinned'})`;
    const setup = result.setup
      ? `setup.sh ${result.setup.ok ? 'ok' : `failed (exit ${result.setup.exitCode})`} in ${formatDuration(result.setup.durationMs)}`
      : 'no setup.sh';
    const report =
      result.report === null
        ? 'not reported to the platform'
        : result.report.status === 'recorded'
          ? 'the platform recorded the install'
          : result.report.status === 'not-supported'
            ? `the platform does not record installs for remote workspaces (HTTP ${result.report.httpStatus}); that is expected`
            : `reporting the install failed: ${result.report.error}`;
    return {
      summary: `${result.files} files, ${formatBytes(result.bytes)} (${formatBytes(result.compressedBytes)} download), ${verified}, ${setup}`,
      details: [`installed at ${result.path}`, report],
      data: {
        name,
        files: result.files,
        bytes: result.bytes,
        compressedBytes: result.compressedBytes,
        verifiedWith: result.verifiedWith,
        manifestSha256: result.manifestSha256,
        setupExitCode: result.setup?.exitCode ?? null,
        setupOk: result.setup?.ok ?? null,
        report: result.report,
      },
    };
  });
}

async function peersStep(runner: StepRunner, agent: DemoAgent, targetId: string | undefined): Promise<void> {
  await runner.run('peers', 'Discover peers', async (control) => {
    const peers = await agent.client.getPeers({ signal: control.signal });
    const details = peers.map((p) => `${p.name} (${p.role ?? 'no role'}, ${p.status}) ${shortId(p.id)}`);
    let url: string | null = null;
    if (targetId) {
      url = await agent.client.discoverPeer(targetId, { signal: control.signal });
      details.push(
        `discovered ${shortId(targetId)} at ${url ? maskPushUrl(url) : '(no URL: calls go through the platform)'}`,
      );
    }
    const names = peers.map((p) => p.name);
    return {
      summary: `${peers.length} peer${peers.length === 1 ? '' : 's'} visible: ${names.join(', ') || 'none'}`,
      details,
      data: {
        peers: peers.map((p) => ({ id: p.id, name: p.name, status: p.status })),
        discoveredUrl: url ? maskPushUrl(url) : null,
      },
    };
  });
}

async function delegateStep(runner: StepRunner, agent: DemoAgent, targetId: string): Promise<void> {
  await runner.run('delegate', 'Delegate a task', async (control) => {
    const task = 'Find three facts about remote agents';
    const delegation = await agent.client.delegate(task, targetId, { signal: control.signal });
    control.status(
      `delegation ${shortId(delegation.delegationId)} ${delegation.status}, waiting for the result`,
    );
    const result = await waitForDelegationResult(agent.client, delegation.delegationId, {
      signal: control.signal,
    });
    return {
      summary: `${delegation.status} → ${result.status}: ${quote(result.text, 70)}`,
      details: [`task ${quote(task)}, delegation ${delegation.delegationId}`],
      data: {
        delegationId: delegation.delegationId,
        delegateStatus: delegation.status,
        resultStatus: result.status,
        result: result.text,
      },
    };
  });
}
