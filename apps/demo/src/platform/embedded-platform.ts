import { createPlatformSim, type PlatformSim, type RecordedRequest } from '@molecule-ai/platform-sim';
import { type PlatformServer, startPlatformServer } from '@molecule-ai/platform-sim/node';
import { DEMO_PLUGIN_NAME, demoPluginFiles } from './demo-plugin.js';

/**
 * Until an agent registers, a workspace created with a URL points here. Creating the workspace
 * with a URL (the canvas's "external agent" form) is what makes the first register mint the
 * token; register then replaces the URL with the agent's push URL.
 */
const NOT_CONNECTED_URL = 'http://localhost:9/not-connected-yet';

/** The secrets the demo workspace gets (fake values; the demo prints only the names). */
export const DEMO_SECRETS: Readonly<Record<string, string>> = {
  DEMO_GREETING: 'hello from the platform',
  OPENAI_API_KEY: 'sk-demo-0000000000000000',
};

/** A platform simulator listening on 127.0.0.1, with the demo's two workspaces and its plugin. */
export interface EmbeddedPlatform {
  readonly sim: PlatformSim;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The workspace the demo agent runs as. */
  readonly agentWorkspaceId: string;
  /** The second demo agent's workspace (a root-level sibling, so the two can talk). */
  readonly helperWorkspaceId: string;
  readonly pluginName: string;
  /** Every request the platform has seen (credentials redacted by the simulator). */
  requests(): readonly RecordedRequest[];
  close(): Promise<void>;
}

/**
 * Starts the simulator in dev mode (so the platform may push to agents on loopback), creates
 * two external workspaces with secrets, and publishes the demo plugin.
 */
export async function startEmbeddedPlatform(): Promise<EmbeddedPlatform> {
  const sim = createPlatformSim({ devMode: true });
  const server: PlatformServer = await startPlatformServer(sim, { port: 0, host: '127.0.0.1' });
  try {
    const agent = await sim.admin.createWorkspace({
      name: 'demo-agent',
      role: 'assistant',
      external: true,
      url: NOT_CONNECTED_URL,
    });
    const helper = await sim.admin.createWorkspace({
      name: 'helper',
      role: 'researcher',
      external: true,
      url: NOT_CONNECTED_URL,
    });
    await sim.admin.setGlobalSecrets({ DEMO_GREETING: 'hello from the organisation' });
    await sim.admin.setSecrets(agent.id, { ...DEMO_SECRETS });
    sim.admin.addPlugin(DEMO_PLUGIN_NAME, await demoPluginFiles());
    return {
      sim,
      url: server.url,
      agentWorkspaceId: agent.id,
      helperWorkspaceId: helper.id,
      pluginName: DEMO_PLUGIN_NAME,
      requests: () => sim.requests,
      close: () => server.close(),
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
