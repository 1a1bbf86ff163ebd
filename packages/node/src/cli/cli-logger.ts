import type { Logger } from '@molecule-ai/agent-core';
import { createLineLogger } from '@molecule-ai/agent-core/ports';
import type { CliOutput } from './cli-io.js';
import { terminalText } from './terminal-text.js';

/**
 * The CLI's logger: the core's line logger (`[molecule] message key=value`, credential-named fields
 * masked) on stderr, warnings and errors always, info and debug with `--verbose`. Each line is made
 * terminal-safe and kept on one line: messages and fields may quote the platform, a peer or a
 * plugin's setup.sh.
 */
export function createCliLogger(stderr: CliOutput, verbose: boolean): Logger {
  return createLineLogger({
    level: verbose ? 'debug' : 'warn',
    write: (line) => stderr.write(`${terminalText(line.slice(0, -1)).replace(/\n/g, ' ')}\n`),
  });
}
