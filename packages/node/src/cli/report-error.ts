import {
  ApiError,
  AuthenticationError,
  ConfigError,
  ConnectionError,
  isMoleculeError,
  PermissionDeniedError,
  TokenLostError,
} from '@molecule-ai/agent-core';
import type { CliIo } from './cli-io.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { terminalJson, terminalText } from './terminal-text.js';

/** The exit code for an error: 2 for usage and configuration, 3 when the platform refused, else 1. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof ConfigError) return ExitCode.usage;
  if (error instanceof TokenLostError) return ExitCode.refused;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return ExitCode.refused;
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return ExitCode.refused;
  return ExitCode.failure;
}

/** The innermost cause's message (e.g. `connect ECONNREFUSED 127.0.0.1:9`), which says what really went wrong. */
function rootCauseMessage(error: unknown): string | undefined {
  let current: unknown = error;
  let message: string | undefined;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    message =
      typeof code === 'string' && !current.message.includes(code)
        ? `${code}: ${current.message}`
        : current.message;
    current = current.cause;
  }
  return message;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The message of an error and of its causes, for `--verbose`. */
function describeChain(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error) {
      lines.push(
        depth === 0 ? (current.stack ?? current.message) : `caused by: ${current.stack ?? current.message}`,
      );
      if (isMoleculeError(current)) lines.push(`details: ${JSON.stringify(current.toJSON())}`);
      current = current.cause;
    } else {
      lines.push(`caused by: ${String(current)}`);
      current = undefined;
    }
  }
  return lines.join('\n');
}

/**
 * Reports a failed command: one line `molecule-agent: error: …` on stderr (plus the stack and the
 * cause chain with `--verbose`, and a JSON error object on stdout with `--json`), and returns the
 * exit code.
 */
export function reportError(
  io: CliIo,
  error: unknown,
  options: { verbose: boolean; json: boolean },
): ExitCodeValue {
  const code = exitCodeFor(error);
  let message = oneLine(error instanceof Error ? error.message : String(error)) || 'unknown error';
  if (error instanceof ConnectionError) {
    const root = rootCauseMessage(error.cause);
    if (root !== undefined && !message.includes(root)) message += `: ${oneLine(root)}`;
  }
  if (error instanceof TokenLostError) {
    message +=
      " From this command line: 'molecule-agent token recover' with --admin-token (or MOLECULE_ADMIN_TOKEN).";
  }
  // Messages may quote a URL given with credentials, or text the platform or a peer sent.
  message = oneLine(terminalText(message));
  io.stderr.write(`molecule-agent: error: ${message}\n`);
  if (options.verbose) io.stderr.write(`${terminalText(describeChain(error))}\n`);
  if (options.json) {
    const kind = isMoleculeError(error) ? error.code : 'error';
    const status = error instanceof ApiError ? error.status : undefined;
    io.stdout.write(
      `${terminalJson({ ok: false, error: { code: kind, message, status, exitCode: code } })}\n`,
    );
  }
  return code;
}
