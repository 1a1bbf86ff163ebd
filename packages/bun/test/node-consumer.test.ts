import { describe, expect, it } from 'bun:test';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The build output must not break Node programs: importing it under Node works, Bun-only functions
// fail with a clear UnsupportedError, and the declarations type-check without bun-types.
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(`${packageDirectory}dist/index.js`);

function runNode(script: string): { exitCode: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync(['node', '--input-type=module', '-e', script], { cwd: packageDirectory });
  return { exitCode: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe('the built package seen from Node', () => {
  it('is built (run `pnpm --filter @molecule-ai/agent-bun build` first)', () => {
    expect(built).toBe(true);
  });

  it('imports under Node without touching Bun, and the Node-compatible stores work there', () => {
    const { exitCode, stdout, stderr } = runNode(`
      import * as bun from '@molecule-ai/agent-bun';
      import * as core from '@molecule-ai/agent-core';
      import { mkdtempSync } from 'node:fs';
      import { tmpdir } from 'node:os';
      import { join } from 'node:path';
      const store = bun.createFileTokenStore({ directory: mkdtempSync(join(tmpdir(), 'node-consumer-')) });
      await store.save('ws', 'tok');
      const names = Object.keys(bun);
      console.log(JSON.stringify({
        runtime: typeof Bun,
        own: names.filter((name) => !(name in core)).sort(),
        missingFromCore: Object.keys(core).filter((name) => bun[name] !== core[name]),
        loaded: await store.load('ws'),
      }));
    `);
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.runtime).toBe('undefined');
    expect(report.loaded).toBe('tok');
    // The core's main entry is re-exported, so a Bun agent imports from this package only; only
    // createAgentClient differs: this package's one fills in MOLECULE_* defaults and file stores.
    expect(report.missingFromCore).toEqual(['createAgentClient']);
    expect(report.own).toEqual([
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
      'defaultMoleculeDirectory',
      'hashPluginDirectory',
      'installPlugin',
      'runAgent',
      'runAgentLoop',
      'runHeartbeatLoop',
      'startPushDelivery',
      'startPushServer',
      'stopOnProcessSignals',
    ]);
  });

  it('Bun-only functions called from Node reject with UnsupportedError, not "Bun is not defined"', () => {
    const { exitCode, stdout } = runNode(`
      import { createProcessRunner, startPushServer } from '@molecule-ai/agent-bun';
      const errors = [];
      await startPushServer({ onMessage: () => 'x' }).catch((e) => errors.push([e.name, e.code, e.message]));
      await createProcessRunner().run({ argv: ['true'], cwd: '/', env: {}, timeoutMs: 1000 })
        .catch((e) => errors.push([e.name, e.code, e.message]));
      console.log(JSON.stringify(errors));
    `);
    expect(exitCode).toBe(0);
    const errors = JSON.parse(stdout) as [string, string, string][];
    expect(errors).toHaveLength(2);
    for (const [name, code, message] of errors) {
      expect(name).toBe('UnsupportedError');
      expect(code).toBe('unsupported');
      expect(message).toContain('@molecule-ai/agent-node');
    }
  });

  it('its declarations need no bun-types: no import of "bun", no Bun global, no type reference', async () => {
    const glob = new Bun.Glob('**/*.d.ts');
    const offenders: string[] = [];
    let files = 0;
    for await (const file of glob.scan(`${packageDirectory}dist`)) {
      files++;
      // Declarations only: TSDoc comments may well talk about Bun.serve.
      const text = (await Bun.file(`${packageDirectory}dist/${file}`).text())
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/(?!\/ <reference).*$/gm, '');
      if (/from ['"]bun(:[a-z]+)?['"]|import\(['"]bun|\bBun\.|reference types=/.test(text))
        offenders.push(file);
    }
    expect(files).toBeGreaterThan(5);
    expect(offenders).toEqual([]);
  });
});
