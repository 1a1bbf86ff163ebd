// Attack: text that reaches the terminal through the CLI. A URL given with credentials was echoed
// back in the error; text the server sent (an error body, a name) reached the terminal with its
// escape sequences (clear the screen, set the title, rewrite earlier lines) and bidi overrides;
// and a token on the command line was taken without a word about who else can read it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCliProcess } from '../cli/cli-process.js';
import { makeTempDir } from './security-helpers.js';

const WS = '5f0c9a8e-1111-4222-8333-444455556666';
const HOSTILE =
  'boom \u001b]0;pwned title\u0007\u001b[2J\u001b[1A\u001b[31mred\u001b[0m \u009b2J \u202eevil\u202c \r\u0008done';
// Anything a terminal acts on: ESC, C1 controls (CSI U+009B included), CR, backspace, bidi controls.
const TERMINAL_CONTROL = /[\u001b\u0007\u0008\r\u0080-\u009f\u202a-\u202e\u2066-\u2069]/;

let server: Server;
let url: string;
let temp: { dir: string; remove: () => void };
beforeAll(async () => {
  requireBuiltCli();
  temp = makeTempDir('security-cli-');
  server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: HOSTILE }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  temp.remove();
});

describe('CLI output', () => {
  it('never echoes the credentials of a URL it refuses', async () => {
    for (const value of ['ftp://alice:s3cret-pass@example.com/', 'https://alice:s3cret-pass@exa mple.com/']) {
      const run = await runCliProcess(['state', '--platform-url', value, '--workspace-id', WS], {
        env: { MOLECULE_TOKEN_DIR: temp.dir },
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/molecule-agent: error: /);
      expect(`${run.stdout}${run.stderr}`).not.toMatch(/s3cret-pass|alice/);
      const verbose = await runCliProcess(
        ['state', '--platform-url', value, '--workspace-id', WS, '--verbose', '--json'],
        { env: { MOLECULE_TOKEN_DIR: temp.dir } },
      );
      expect(`${verbose.stdout}${verbose.stderr}`).not.toMatch(/s3cret-pass|alice/);
    }
  });

  it('strips escape sequences, control characters and bidi overrides from text the server sent', async () => {
    const run = await runCliProcess(['state', '--platform-url', url, '--workspace-id', WS, '--verbose'], {
      env: { MOLECULE_TOKEN_DIR: temp.dir, MOLECULE_WORKSPACE_TOKEN: 'tok-abc' },
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('molecule-agent: error:');
    expect(run.stderr).toMatch(/boom .*red.*evil.*done/);
    expect(run.stderr).not.toMatch(TERMINAL_CONTROL);
    const json = await runCliProcess(['state', '--platform-url', url, '--workspace-id', WS, '--json'], {
      env: { MOLECULE_TOKEN_DIR: temp.dir, MOLECULE_WORKSPACE_TOKEN: 'tok-abc' },
    });
    expect(`${json.stdout}${json.stderr}`).not.toMatch(TERMINAL_CONTROL);
  });

  it('warns when a token is given on the command line, and not when it comes from the environment', async () => {
    const onArgv = await runCliProcess(
      ['token', '--workspace-id', WS, '--token', 'tok-on-argv', '--token-dir', temp.dir],
      {},
    );
    expect(onArgv.stderr).toMatch(
      /warn: --token puts the secret on the command line.*\/proc\/<pid>\/cmdline.*use MOLECULE_WORKSPACE_TOKEN or the token file/,
    );
    expect(onArgv.stderr).not.toContain('tok-on-argv');
    const fromEnv = await runCliProcess(['token', '--workspace-id', WS, '--token-dir', temp.dir], {
      env: { MOLECULE_WORKSPACE_TOKEN: 'tok-from-env' },
    });
    expect(fromEnv.stderr).not.toMatch(/command line/);
  });
});
