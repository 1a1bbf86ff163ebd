/** Exit codes of `molecule-agent`, documented in `--help` and the README. */
export const ExitCode = {
  /** Done. */
  ok: 0,
  /** Something failed: network, platform error, hash mismatch, handler crash. */
  failure: 1,
  /** Bad usage or configuration: unknown option, missing or invalid value, handler not loadable. */
  usage: 2,
  /** The platform refused: authentication or permission (401/403), or the token is lost. */
  refused: 3,
  /** Stopped by Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
