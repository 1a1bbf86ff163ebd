import type { Logger } from '@molecule-ai/agent-core';
import { AGENT_ENV } from '@molecule-ai/agent-core/agent';
import { createLineLogger, type LogThreshold, parseLogThreshold } from '@molecule-ai/agent-core/ports';

/** Options of {@link createStderrLogger}. */
export interface StderrLoggerOptions {
  /** The quietest level written. Default: `MOLECULE_LOG`, else `warn` (warnings and errors). */
  level?: LogThreshold | undefined;
  /** Where `MOLECULE_LOG` is read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * The default logger of `runAgent`, `createAgentClient` and the loops on this runtime: one
 * `[molecule] warn: …` line per entry on stderr, warnings and errors only unless `MOLECULE_LOG`
 * (`debug`, `info`, `warn`, `error` or `silent`) says otherwise. Fields named like credentials
 * are masked.
 *
 * @example
 * await runAgent(handler, { logger: createStderrLogger({ level: 'info' }) });
 */
export function createStderrLogger(options: StderrLoggerOptions = {}): Logger {
  const level =
    options.level ?? parseLogThreshold((options.env ?? process.env)[AGENT_ENV.log], AGENT_ENV.log);
  return createLineLogger({ level, write: (line) => process.stderr.write(line) });
}
