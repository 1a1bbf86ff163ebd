import { describe, expect, it } from 'vitest';
import { checkWorkspaceId, parseListenAddress, resolveAgentSettings } from '../../src/agent/index.js';
import { ConfigError } from '../../src/index.js';
import { createLineLogger, parseLogThreshold } from '../../src/ports/index.js';

const WS = '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b';
const BASE = { MOLECULE_PLATFORM_URL: 'https://platform.example', MOLECULE_WORKSPACE_ID: WS };

describe('resolveAgentSettings: options over MOLECULE_* variables', () => {
  it('reads every variable the CLI reads, and an option wins over its variable', () => {
    const env = {
      ...BASE,
      MOLECULE_WORKSPACE_TOKEN: 'tok',
      MOLECULE_TOKEN_DIR: '/tokens',
      MOLECULE_ORG_ID: 'org-1',
      MOLECULE_AGENT_NAME: 'helper',
      MOLECULE_POLL_INTERVAL: '0.5',
      MOLECULE_HEARTBEAT_INTERVAL: '10',
      MOLECULE_STATE_INTERVAL: '20',
      MOLECULE_CONCURRENCY: '4',
      MOLECULE_MAX_ITERATIONS: '0',
      MOLECULE_CURSOR_FILE: '/cursor.json',
      MOLECULE_LOG: 'DEBUG',
    };
    const settings = resolveAgentSettings({}, env);
    expect(settings).toMatchObject({
      platformUrl: 'https://platform.example',
      workspaceId: WS,
      token: 'tok',
      tokenDir: '/tokens',
      orgId: 'org-1',
      agentCard: { name: 'helper' },
      pollIntervalMs: 500,
      heartbeatIntervalMs: 10_000,
      statePollIntervalMs: 20_000,
      concurrency: 4,
      maxIterations: 0,
      cursorFile: '/cursor.json',
      logLevel: 'debug',
      push: null,
    });
    const other = '11111111-2222-4333-8444-555555555555';
    const overridden = resolveAgentSettings(
      { workspaceId: other, pollIntervalMs: 100, concurrency: 2, agentCard: { name: 'card' } },
      env,
    );
    expect(overridden).toMatchObject({ workspaceId: other, pollIntervalMs: 100, concurrency: 2 });
    expect(overridden.agentCard).toEqual({ name: 'card' });
  });

  it('names the missing or wrong setting, and where it came from', () => {
    expect(() => resolveAgentSettings({}, {})).toThrowError(
      'missing the platform URL: set MOLECULE_PLATFORM_URL or pass the platformUrl option',
    );
    expect(() => resolveAgentSettings({}, { MOLECULE_PLATFORM_URL: 'https://p.example' })).toThrowError(
      'missing the workspace id: set MOLECULE_WORKSPACE_ID or pass the workspaceId option',
    );
    expect(() => resolveAgentSettings({}, { ...BASE, MOLECULE_WORKSPACE_ID: 'ws-1' })).toThrowError(
      /^MOLECULE_WORKSPACE_ID must be a workspace id, a UUID/,
    );
    expect(() => resolveAgentSettings({}, { ...BASE, MOLECULE_PLATFORM_URL: 'ftp://x' })).toThrowError(
      /^MOLECULE_PLATFORM_URL: must use http or https/,
    );
    expect(() => resolveAgentSettings({}, { ...BASE, MOLECULE_POLL_INTERVAL: 'soon' })).toThrowError(
      'MOLECULE_POLL_INTERVAL must be a positive number of seconds, got "soon"',
    );
    expect(() => resolveAgentSettings({}, { ...BASE, MOLECULE_CONCURRENCY: '0' })).toThrowError(
      /MOLECULE_CONCURRENCY must be a whole number of at least 1/,
    );
    expect(() => resolveAgentSettings({}, { ...BASE, MOLECULE_LOG: 'loud' })).toThrowError(
      'MOLECULE_LOG must be one of debug, info, warn, error, silent, got "loud"',
    );
    expect(() => resolveAgentSettings({ pollIntervalMs: -1 }, BASE)).toThrowError(ConfigError);
  });

  it('polls without a listen address or public URL, and serves pushes with either', () => {
    expect(resolveAgentSettings({}, BASE).push).toBeNull();
    expect(resolveAgentSettings({}, { ...BASE, MOLECULE_LISTEN: '127.0.0.1:0' }).push).toEqual({
      host: '127.0.0.1',
      port: 0,
      publicOrigin: undefined,
    });
    expect(
      resolveAgentSettings({}, { ...BASE, MOLECULE_PUBLIC_URL: 'http://localhost:{port}/' }).push,
    ).toEqual({ host: '127.0.0.1', port: 0, publicOrigin: 'http://localhost:{port}' });
    expect(
      resolveAgentSettings(
        { listen: 8080, publicUrl: 'https://agent.example' },
        { ...BASE, MOLECULE_LISTEN: '9' },
      ).push,
    ).toEqual({ host: '127.0.0.1', port: 8080, publicOrigin: 'https://agent.example' });
  });

  it('refuses push settings that could never be reached, saying what to set', () => {
    expect(() =>
      resolveAgentSettings({}, { ...BASE, MOLECULE_PUBLIC_URL: 'https://agent.example' }),
    ).toThrowError(
      /MOLECULE_PUBLIC_URL has no \{port\} and no fixed port is set: set the listen port \(--listen, MOLECULE_LISTEN/,
    );
    expect(() => resolveAgentSettings({}, { ...BASE, MOLECULE_LISTEN: '0.0.0.0:8080' })).toThrowError(
      /MOLECULE_LISTEN binds 0.0.0.0, .*set the public URL \(--public-url, MOLECULE_PUBLIC_URL/,
    );
    expect(() =>
      resolveAgentSettings({}, { ...BASE, MOLECULE_PUBLIC_URL: 'https://u:p@agent.example:{port}' }),
    ).toThrowError('MOLECULE_PUBLIC_URL must not contain credentials');
  });
});

describe('parseListenAddress', () => {
  it('reads PORT, HOST:PORT and [IPv6]:PORT, the host defaulting to 127.0.0.1', () => {
    expect(parseListenAddress('8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListenAddress(0)).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('0.0.0.0:0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListenAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(parseListenAddress(' localhost:1 ')).toEqual({ host: 'localhost', port: 1 });
  });

  it('refuses anything else, naming the source', () => {
    for (const bad of ['', 'x', '70000', ':80', '::1:80', 'host:', '1.2.3.4:-1']) {
      expect(() => parseListenAddress(bad, '--listen')).toThrowError(/^--listen must be/);
    }
    expect(() => parseListenAddress(1.5)).toThrowError(ConfigError);
  });
});

describe('checkWorkspaceId', () => {
  it('accepts a UUID in any case and refuses anything else with a message that says what is expected', () => {
    expect(checkWorkspaceId(WS)).toBe(WS);
    expect(checkWorkspaceId(WS.toUpperCase())).toBe(WS.toUpperCase());
    expect(() => checkWorkspaceId(`${WS}x`, 'MOLECULE_WORKSPACE_ID')).toThrowError(
      `MOLECULE_WORKSPACE_ID must be a workspace id, a UUID such as 0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b, got "${WS}x": copy it from the workspace's page on the platform`,
    );
    expect(() => checkWorkspaceId('x'.repeat(500))).toThrowError(/got "x{60}"…/);
  });
});

describe('createLineLogger and parseLogThreshold', () => {
  it('writes warnings and errors by default, masks credential fields, and honours the threshold', () => {
    const lines: string[] = [];
    const logger = createLineLogger({ write: (line) => lines.push(line) });
    logger.debug('d');
    logger.info('i');
    logger.warn('heartbeat failed', { error: new Error('boom'), authToken: 'secret', n: 2 });
    logger.error('handler failed', { messageId: 'm 1' });
    expect(lines).toEqual([
      '[molecule] warn: heartbeat failed error="boom" authToken=[redacted] n=2\n',
      '[molecule] error: handler failed messageId="m 1"\n',
    ]);
    const quiet: string[] = [];
    const silent = createLineLogger({ level: 'silent', write: (line) => quiet.push(line) });
    silent.error('x');
    expect(quiet).toEqual([]);
    const verbose: string[] = [];
    createLineLogger({ level: 'debug', prefix: '>', write: (line) => verbose.push(line) }).debug('d');
    expect(verbose).toEqual(['> d\n']);
  });

  it('parses MOLECULE_LOG words', () => {
    expect(parseLogThreshold(undefined)).toBe('warn');
    expect(parseLogThreshold(' Info ')).toBe('info');
    expect(parseLogThreshold('silent')).toBe('silent');
    expect(() => parseLogThreshold('verbose')).toThrowError(ConfigError);
  });
});
