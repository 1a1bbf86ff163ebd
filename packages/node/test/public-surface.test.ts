import * as core from '@molecule-ai/agent-core';
import { createAgentClient as createCoreAgentClient } from '@molecule-ai/agent-core';
import { describe, expect, it } from 'vitest';
import * as node from '../src/index.js';

describe('public surface of @molecule-ai/agent-node', () => {
  it("re-exports the core's main entry, so a Node agent imports from this package only", () => {
    const differing = Object.keys(core).filter(
      (name) => (node as Record<string, unknown>)[name] !== (core as Record<string, unknown>)[name],
    );
    // The one difference: this package's createAgentClient fills in MOLECULE_* defaults and file stores.
    expect(differing).toEqual(['createAgentClient']);
    expect(node.createAgentClient).not.toBe(createCoreAgentClient);
  });

  it('its own names are listed here and carry no runtime prefix', () => {
    const own = Object.keys(node)
      .filter((name) => !(name in core))
      .sort();
    expect(own).toEqual([
      'CURSOR_FILE_NAME',
      'TOKEN_FILE_NAME',
      'WORKSPACE_TOKEN_ENV',
      'createAgentHost',
      'createEnvTokenStore',
      'createFileCursorStore',
      'createFileTokenStore',
      'createFsPluginSink',
      'createProcessRunner',
      'createSandboxedRunner',
      'createStderrLogger',
      'createUndiciTransport',
      'createZlibGunzip',
      'defaultMoleculeDirectory',
      'defaultPluginsDirectory',
      'defaultSandboxHiddenPaths',
      'hashPluginDirectory',
      'installPlugin',
      'recoverToken',
      'runAgent',
      'runAgentLoop',
      'runHeartbeatLoop',
      'sharedHttpTransport',
      'startPushDelivery',
      'startPushServer',
      'stopOnProcessSignals',
      'withSetupSandbox',
    ]);
    expect(own.filter((name) => /^(create|start|run)?(Node|Bun)/.test(name))).toEqual([]);
  });
});
