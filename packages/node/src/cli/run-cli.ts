import { ConfigError, type Logger } from '@molecule-ai/agent-core';
import type { CliIo } from './cli-io.js';
import { createCliLogger } from './cli-logger.js';
import type { Command, CommandContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { GLOBAL_FLAGS } from './flag-spec.js';
import { renderCommandHelp, renderMainHelp } from './help.js';
import { parseArguments } from './parse-arguments.js';
import { reportError } from './report-error.js';
import { Settings } from './settings.js';
import { terminalJson, terminalText } from './terminal-text.js';
import { packageVersion } from './version.js';

const ALL_FLAGS = [
  ...GLOBAL_FLAGS,
  { name: 'version', kind: 'boolean' as const, description: 'print the version' },
  ...COMMANDS.flatMap((command) => command.flags),
];

/** Options whose value is a credential, with the environment variable to use instead. */
const SECRET_FLAGS: readonly { name: string; instead: string }[] = [
  { name: 'token', instead: 'MOLECULE_WORKSPACE_TOKEN or the token file (--token-dir)' },
  { name: 'admin-token', instead: 'MOLECULE_ADMIN_TOKEN' },
];

/**
 * Warns about a credential given as a command-line option: every process of the same user (a
 * plugin's setup.sh included) can read it from `/proc/<pid>/cmdline`, `ps` shows it to everyone
 * on many systems, and shells keep it in their history.
 */
function warnAboutSecretsInArguments(settings: Settings, logger: Logger): void {
  for (const { name, instead } of SECRET_FLAGS) {
    const raw = settings.raw(name);
    if (raw === undefined || raw.fromEnv) continue;
    logger.warn(
      `--${name} puts the secret on the command line, where other processes (ps, /proc/<pid>/cmdline, ` +
        `a plugin's setup.sh) and the shell history can read it; use ${instead} instead`,
    );
  }
}

/** Finds the longest command name that the leading positionals spell, e.g. `token recover`. */
function findCommand(positionals: readonly string[]): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; rest: string[] } | undefined;
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (
      words.every((word, i) => positionals[i] === word) &&
      (best === undefined || words.length > best.command.name.split(' ').length)
    ) {
      best = { command, rest: positionals.slice(words.length) };
    }
  }
  return best;
}

/**
 * Runs `molecule-agent` with `argv` (without `node` and the script) against `io`, and resolves
 * with the exit code. Never throws: every error becomes one line on stderr and a code.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCodeValue> {
  // Before the command is known, read --verbose/--json leniently so even a parse error is reported right.
  const early = new Settings(new Map(), io.env, GLOBAL_FLAGS);
  let verbose = early.lenientBoolean('verbose') || argv.includes('--verbose');
  let json = early.lenientBoolean('json') || argv.includes('--json');
  try {
    // First pass with every known option, only to find the command word(s).
    const first = parseArguments(argv, ALL_FLAGS);
    if (first.flags.get('version') === true && first.positionals.length === 0) {
      io.stdout.write(`${packageVersion()}\n`);
      return ExitCode.ok;
    }
    if (first.positionals.length === 0 || first.positionals[0] === 'help') {
      const topic = first.positionals.slice(1);
      const found = topic.length > 0 ? findCommand(topic) : undefined;
      if (topic.length > 0 && found === undefined)
        throw new ConfigError(`unknown command '${topic.join(' ')}'`);
      const text =
        found === undefined ? renderMainHelp(COMMANDS, packageVersion()) : renderCommandHelp(found.command);
      if (first.positionals.length === 0 && first.flags.get('help') !== true) {
        // No command at all: usage on stderr, like any other usage error.
        io.stderr.write(text);
        return ExitCode.usage;
      }
      io.stdout.write(text);
      return ExitCode.ok;
    }
    const found = findCommand(first.positionals);
    if (found === undefined) {
      throw new ConfigError(
        `unknown command '${first.positionals[0]}' (run 'molecule-agent --help' for the list)`,
      );
    }
    const { command } = found;

    // Second pass: only the options this command accepts.
    const parsed = parseArguments(argv, [...GLOBAL_FLAGS, ...command.flags]);
    const settings = new Settings(parsed.flags, io.env, [...GLOBAL_FLAGS, ...command.flags]);
    verbose = settings.lenientBoolean('verbose');
    json = settings.lenientBoolean('json');
    // Now strictly: MOLECULE_JSON=maybe is a configuration error, not silently "off".
    settings.boolean('verbose');
    settings.boolean('json');
    if (settings.boolean('help')) {
      io.stdout.write(renderCommandHelp(command));
      return ExitCode.ok;
    }
    const positionals = parsed.positionals.slice(command.name.split(' ').length);
    const required = command.positionals.filter((p) => !p.optional).length;
    if (positionals.length < required) {
      const missing = command.positionals.slice(positionals.length, required).map((p) => `<${p.name}>`);
      throw new ConfigError(
        `${command.name}: missing ${missing.join(' ')} (see 'molecule-agent ${command.name} --help')`,
      );
    }
    if (positionals.length > command.positionals.length) {
      throw new ConfigError(
        `${command.name}: unexpected argument '${positionals[command.positionals.length]}'`,
      );
    }
    const context: CommandContext = {
      io,
      settings,
      positionals,
      json,
      verbose,
      logger: createCliLogger(io.stderr, verbose),
      // Lines may quote the platform, peers or a plugin: never raw escape sequences or URL credentials.
      print: (line) => {
        io.stdout.write(`${terminalText(line)}\n`);
      },
      printJson: (value) => {
        io.stdout.write(`${terminalJson(value)}\n`);
      },
    };
    warnAboutSecretsInArguments(settings, context.logger);
    return await command.run(context);
  } catch (error) {
    return reportError(io, error, { verbose, json });
  }
}
