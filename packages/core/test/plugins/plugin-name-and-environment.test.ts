import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { assertPluginName } from '../../src/plugins/plugin-name.js';
import { buildSetupEnvironment } from '../../src/plugins/setup-environment.js';

describe('assertPluginName', () => {
  it.each(['my-plugin', 'a', 'plugin.v2', 'x_y', '0day', 'a'.repeat(128)])('accepts %j', (name) => {
    expect(() => assertPluginName(name)).not.toThrow();
  });

  it.each([
    ['', 'empty'],
    ['../evil', 'traversal'],
    ['a/b', 'slash'],
    ['a\\b', 'backslash'],
    ['..', 'dots'],
    ['a..b', 'embedded dots'],
    ['.hidden', 'leading dot'],
    ['-flag', 'leading dash'],
    ['MyPlugin', 'uppercase (the platform is lowercase only)'],
    ['a'.repeat(129), 'too long'],
    ['name with space', 'space'],
    ['nul\0', 'NUL'],
  ])('refuses %j (%s) with ConfigError', (name) => {
    expect(() => assertPluginName(name)).toThrow(ConfigError);
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

  it('works without a host environment', () => {
    expect(buildSetupEnvironment({ pluginDir: '/p', pluginName: 'p' })).toEqual({
      PLUGIN_DIR: '/p',
      PLUGIN_NAME: 'p',
    });
  });
});
