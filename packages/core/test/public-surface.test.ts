import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as a2a from '../src/a2a/index.js';
import * as agent from '../src/agent/index.js';
import * as inbound from '../src/inbound/index.js';
import * as main from '../src/index.js';
import * as loops from '../src/loops/index.js';
import * as plugins from '../src/plugins/index.js';
import * as ports from '../src/ports/index.js';
import * as testing from '../src/testing/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
};

describe('public surface', () => {
  it('the main entry holds at most 40 runtime exports, the client and its errors among them', () => {
    const names = Object.keys(main);
    expect(names.length).toBeGreaterThan(0);
    expect(names.length).toBeLessThanOrEqual(40);
    expect(names).toEqual(
      expect.arrayContaining(['createAgentClient', 'replyToMessage', 'MoleculeError', 'ApiError']),
    );
  });

  it('internals stay out of the main entry', () => {
    for (const internal of [
      'pythonJsonDumps',
      'parseTarNumber',
      'planTick',
      'performTick',
      'readTarEntries',
    ]) {
      expect(main).not.toHaveProperty(internal);
      for (const entry of [agent, loops, inbound, plugins, a2a, ports, testing])
        expect(entry).not.toHaveProperty(internal);
    }
  });

  it('every subpath is in exports and in typesVersions (for moduleResolution node10)', () => {
    const subpaths = ['agent', 'loops', 'inbound', 'plugins', 'a2a', 'ports', 'testing'];
    expect(Object.keys(pkg.exports).sort()).toEqual(
      ['.', './package.json', ...subpaths.map((s) => `./${s}`)].sort(),
    );
    expect(Object.keys(pkg.typesVersions['*'] ?? {}).sort()).toEqual([...subpaths].sort());
  });

  it("the port-level building blocks have their own names, not the runtime packages' ones", () => {
    expect(Object.keys(loops)).toEqual(
      expect.arrayContaining(['runAgentLoopWithPorts', 'runHeartbeatLoopWithPorts']),
    );
    expect(Object.keys(plugins)).toContain('installPluginWithPorts');
    for (const entry of [main, loops, plugins]) {
      for (const runtimeName of ['runAgentLoop', 'runHeartbeatLoop', 'installPlugin']) {
        expect(entry).not.toHaveProperty(runtimeName);
      }
    }
  });

  it('what a runtime builds runAgent and its CLI from sits on its subpath, not on the main entry', () => {
    const placed: [Record<string, unknown>, string[]][] = [
      [agent, ['runAgentWithHost', 'resolveAgentSettings', 'checkWorkspaceId', 'explainRegisterRefusal']],
      [ports, ['createLineLogger', 'parseLogThreshold']],
      [inbound, ['isLoopbackHost']],
      [loops, ['warnTickFailures']],
      [testing, ['testHttpTransport', 'createFakeClock']],
    ];
    for (const [entry, names] of placed) {
      for (const name of names) {
        expect(entry).toHaveProperty(name);
        expect(main).not.toHaveProperty(name);
      }
    }
  });
});
