import { ConfigError } from '../errors.js';

/** The longest plugin name, in UTF-8 bytes: room for the install's `.staging-<name>-<8 hex>` folder within a 255-byte file name. */
export const PLUGIN_NAME_MAX_BYTES = 128;

// C0 controls, DEL, C1 controls, and the bidirectional formatting characters that make a name
// display differently from what it is.
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// A lone surrogate cannot be written as a file name on every filesystem.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemWith(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name === '.' || name === '..') return 'it is "." or ".."';
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator ("/" or "\\")';
  // The platform refuses ".." anywhere in a name (validatePluginName); refusing it here fails early.
  if (name.includes('..')) return 'it contains ".."';
  // A leading dot would hide the plugin and could collide with the install's own `.staging-*` folders.
  if (name.startsWith('.')) return 'it starts with "."';
  if (CONTROL_OR_BIDI.test(name)) return 'it contains a control or bidirectional formatting character';
  if (LONE_SURROGATE.test(name)) return 'it is not well-formed Unicode';
  if (name.trim() !== name) return 'it starts or ends with whitespace';
  if (new TextEncoder().encode(name).length > PLUGIN_NAME_MAX_BYTES)
    return `it is longer than ${PLUGIN_NAME_MAX_BYTES} bytes in UTF-8`;
  return undefined;
}

/**
 * Checks a plugin name before anything touches the network or the disk. It accepts what the
 * platform accepts (a `github://` plugin is named after its repository, capitals included) as long
 * as the name is one safe path segment: not empty, not `.`/`..`, no `/` or `\`, no `..`, no leading
 * dot, no control or bidirectional formatting characters, at most {@link PLUGIN_NAME_MAX_BYTES}
 * bytes. The Python SDK used the name unchecked as a folder and removed that folder, so `../x`
 * deleted outside the plugins directory; here such a name is a `ConfigError`.
 */
export function assertPluginName(name: unknown): asserts name is string {
  const problem = typeof name === 'string' ? problemWith(name) : `it is a ${typeof name}, not a string`;
  if (problem === undefined) return;
  // JSON escapes C0 controls; C1 and bidirectional characters are escaped too, so the message
  // shows the name as it is rather than as a terminal would render it.
  const shown =
    typeof name === 'string'
      ? JSON.stringify(name.slice(0, 140)).replace(
          /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udfff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        )
      : typeof name;
  throw new ConfigError(
    `invalid plugin name ${shown}: ${problem}. A plugin name must be one folder name (the platform's name for it, e.g. "my-plugin" or a GitHub repository name)`,
  );
}
