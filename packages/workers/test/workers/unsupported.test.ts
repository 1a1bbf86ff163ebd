import { isMoleculeError, UnsupportedError } from '@molecule-ai/agent-core';
import { describe, expect, it } from 'vitest';
import {
  installPlugin,
  PLUGINS_UNSUPPORTED_MESSAGE,
  PROCESSES_UNSUPPORTED_MESSAGE,
  unsupportedPluginSink,
  unsupportedProcessRunner,
} from '../../src/index.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('what a Worker cannot do', () => {
  it('installPlugin rejects with UnsupportedError that says why', async () => {
    const error = await rejection(installPlugin('my-plugin', { source: 'local://my-plugin' }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(isMoleculeError(error)).toBe(true);
    expect((error as UnsupportedError).code).toBe('unsupported');
    expect((error as Error).message).toBe(PLUGINS_UNSUPPORTED_MESSAGE);
    expect((error as Error).message).toContain('Cloudflare Workers');
  });

  it('every plugin sink operation rejects with UnsupportedError', async () => {
    for (const call of [
      () => unsupportedPluginSink.lock('p'),
      () => unsupportedPluginSink.cleanup('p'),
      () => unsupportedPluginSink.beginStaging('p'),
      () => unsupportedPluginSink.installedPath('p'),
    ]) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toBe(PLUGINS_UNSUPPORTED_MESSAGE);
    }
  });

  it('the process runner rejects with UnsupportedError naming setup.sh', async () => {
    const error = await rejection(
      unsupportedProcessRunner.run({ argv: ['bash', 'setup.sh'], cwd: '/', env: {}, timeoutMs: 1000 }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toBe(PROCESSES_UNSUPPORTED_MESSAGE);
    expect((error as Error).message).toContain('setup.sh');
  });
});
