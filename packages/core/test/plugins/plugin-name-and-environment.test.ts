import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { assertPluginName } from '../../src/plugins/plugin-name.js';
import { buildSetupEnvironment } from '../../src/plugins/setup-environment.js';

describe('assertPluginName: what the platform accepts, as long as it is one safe path segment', () => {
  it.each([
    'my-plugin',
    'a',
    'plugin.v2',
    'x_y',
    '0day',
    '-flag',
    'MyPlugin',
    'Claude-Skills',
    'name with space',
    'plugin-für-alle',
    'a'.repeat(128),
    'ü'.repeat(64),
  ])('accepts %j', (name) => {
    expect(() => assertPluginName(name)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['.', 'is "." or ".."'],
    ['..', 'is "." or ".."'],
    ['../evil', 'path separator'],
    ['a/b', 'path separator'],
    ['a\\b', 'path separator'],
    ['a..b', 'contains ".."'],
    ['.hidden', 'starts with "."'],
    ['a'.repeat(129), 'longer than 128 bytes'],
    ['ü'.repeat(65), 'longer than 128 bytes'],
    ['nul\0', 'control'],
    ['tab\there', 'control'],
    ['del\u007f', 'control'],
    ['c1\u0085', 'control'],
    ['evil\u202eexe.md', 'bidirectional'],
    ['lone\ud800', 'well-formed'],
    [' padded', 'whitespace'],
  ])('refuses %j with a ConfigError that says why (%s)', (name, why) => {
    expect(() => assertPluginName(name)).toThrow(ConfigError);
    expect(() => assertPluginName(name)).toThrow(why);
  });

  it('never prints a control or bidirectional character back', () => {
    const error = (() => {
      try {
        assertPluginName('evil\u202eexe\u0085');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toContain('evil\\u202eexe\\u0085');
    expect(error?.message).not.toMatch(/[\u202e\u0085]/);
  });

  it('refuses non-strings', () => {
    expect(() => assertPluginName(42)).toThrow(ConfigError);
  });
});

describe('buildSetupEnvironment', () => {
  const hostEnv = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/agent',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    LC_CTYPE: 'C.UTF-8',
    TERM: 'xterm',
    TMPDIR: '/tmp',
    USER: 'agent',
    SHELL: '/bin/bash',
    MOLECULE_WORKSPACE_TOKEN: 'secret-token-value',
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    NODE_OPTIONS: '--require evil.js',
    LD_PRELOAD: '/tmp/evil.so',
    UNDEFINED_ONE: undefined,
  };

  it('copies only the allow-list, adds PLUGIN_DIR/PLUGIN_NAME, then the explicit extras', () => {
    expect(
      buildSetupEnvironment({
        hostEnv,
        pluginDir: '/p/demo',
        pluginName: 'demo',
        extra: { API_URL: 'https://x', HOME: '/override' },
      }),
    ).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/override',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      LC_CTYPE: 'C.UTF-8',
      TERM: 'xterm',
      TMPDIR: '/tmp',
      USER: 'agent',
      SHELL: '/bin/bash',
      PLUGIN_DIR: '/p/demo',
      PLUGIN_NAME: 'demo',
      API_URL: 'https://x',
    });
  });

  it('never passes the workspace token, even when asked explicitly', () => {
    expect(() =>
      buildSetupEnvironment({
        hostEnv,
        pluginDir: '/p',
        pluginName: 'p',
        extra: { MOLECULE_WORKSPACE_TOKEN: 't' },
      }),
    ).toThrow(ConfigError);
    expect(
      JSON.stringify(buildSetupEnvironment({ hostEnv, pluginDir: '/p', pluginName: 'p' })),
    ).not.toContain('secret-token-value');
  });

  it('refuses invalid variable names and NUL in values', () => {
    expect(() => buildSetupEnvironment({ pluginDir: '/p', pluginName: 'p', extra: { 'A=B': 'x' } })).toThrow(
      ConfigError,
    );
    expect(() => buildSetupEnvironment({ pluginDir: '/p', pluginName: 'p', extra: { A: 'x\0y' } })).toThrow(
      ConfigError,
    );
  });

  it('passes HTTP_PROXY, HTTPS_PROXY and NO_PROXY in any case by default (downloads behind a corporate proxy)', () => {
    const env = buildSetupEnvironment({
      hostEnv: {
        ...hostEnv,
        HTTP_PROXY: 'http://proxy:3128',
        https_proxy: 'http://proxy:3129',
        No_Proxy: 'localhost,.internal',
        ALL_PROXY_UNRELATED: 'no',
      },
      pluginDir: '/p',
      pluginName: 'p',
    });
    expect(env).toMatchObject({
      HTTP_PROXY: 'http://proxy:3128',
      https_proxy: 'http://proxy:3129',
      No_Proxy: 'localhost,.internal',
    });
    expect(env).not.toHaveProperty('ALL_PROXY_UNRELATED');
  });

  it('explicit pass-through: NAME copies the host value (skipped when unset), NAME=VALUE sets it', () => {
    const env = buildSetupEnvironment({
      hostEnv: { ...hostEnv, PIP_INDEX_URL: 'https://pypi.internal/simple' },
      pluginDir: '/p',
      pluginName: 'p',
      passThrough: ['PIP_INDEX_URL', 'NOT_SET_ANYWHERE', 'MODE=fast', 'EQUALS=a=b'],
    });
    expect(env).toMatchObject({ PIP_INDEX_URL: 'https://pypi.internal/simple', MODE: 'fast', EQUALS: 'a=b' });
    expect(env).not.toHaveProperty('NOT_SET_ANYWHERE');
  });

  it.each([
    ['MOLECULE_WORKSPACE_TOKEN'],
    ['MOLECULE_ADMIN_TOKEN'],
    ['MOLECULE_ORG_TOKEN'],
    ['ADMIN_TOKEN'],
    ['molecule_workspace_token'],
    ['MOLECULE_WORKSPACE_TOKEN=anything'],
  ])('a variable holding a workspace, admin or org token is a ConfigError: %s', (entry) => {
    expect(() =>
      buildSetupEnvironment({ hostEnv, pluginDir: '/p', pluginName: 'p', passThrough: [entry] }),
    ).toThrow(/holds a Molecule token/);
  });

  it('a variable under another name that holds a token value is refused too, and the value is never printed', () => {
    const error = (() => {
      try {
        buildSetupEnvironment({
          hostEnv: { ...hostEnv, MY_COPY: 'secret-token-value' },
          pluginDir: '/p',
          pluginName: 'p',
          passThrough: ['MY_COPY'],
        });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain('MY_COPY holds the same value as a Molecule token variable');
    expect(error?.message).not.toContain('secret-token-value');
    expect(() =>
      buildSetupEnvironment({
        hostEnv,
        pluginDir: '/p',
        pluginName: 'p',
        extra: { X: 'secret-token-value' },
      }),
    ).toThrow(ConfigError);
  });

  it('works without a host environment', () => {
    expect(buildSetupEnvironment({ pluginDir: '/p', pluginName: 'p' })).toEqual({
      PLUGIN_DIR: '/p',
      PLUGIN_NAME: 'p',
    });
  });
});
