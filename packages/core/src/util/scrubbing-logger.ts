import type { Logger, LogLevel } from '../ports/logger.js';
import { redactText } from './redact.js';
import type { SecretScrubber } from './secret-scrubber.js';

/**
 * A logger that passes every line through `secrets` first: the message by pattern and by value,
 * the fields through {@link SecretScrubber.value} (sensitive keys masked, known secrets removed,
 * errors reduced to name and message). The client wraps a user's logger with it.
 */
export function createScrubbingLogger(logger: Logger, secrets: SecretScrubber): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      logger[level](
        secrets.text(redactText(message)),
        fields === undefined ? undefined : secrets.value(fields),
      );
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
