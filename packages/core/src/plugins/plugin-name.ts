import { ConfigError } from '../errors.js';

/**
 * The platform's plugin name rule (`plugins/local.go`): lowercase ASCII letters, digits, `.`, `_`
 * and `-`, starting with a letter or digit, at most 128 characters. It rules out path separators,
 * a leading dot and empty names, so a valid name is always one safe path segment.
 */
export const PLUGIN_NAME_PATTERN: RegExp = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * Checks a plugin name before anything touches the network or the disk. The Python SDK used the
 * name unchecked as a folder (`plugins/<name>`) and removed that folder, so `../x` deleted outside
 * the plugins directory; here such a name is a `ConfigError`.
 */
export function assertPluginName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !PLUGIN_NAME_PATTERN.test(name) || name.includes('..')) {
    const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 140)) : typeof name;
    throw new ConfigError(
      `invalid plugin name ${shown}: use 1-128 characters from a-z, 0-9, ".", "_" and "-", starting with a letter or digit, without ".."`,
    );
  }
}
