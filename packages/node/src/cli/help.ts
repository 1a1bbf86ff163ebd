import type { Command } from './command.js';
import { type FlagSpec, GLOBAL_FLAGS } from './flag-spec.js';

/** The exit-code table printed by every help page. */
export const EXIT_CODES_HELP = `Exit codes:
  0    ok
  1    failure (network, platform error, hash mismatch, handler crash)
  2    usage or configuration error (unknown option, missing or invalid value, handler not loadable)
  3    the platform refused (authentication or permission, or the token is lost)
  130  interrupted with Ctrl-C (SIGINT); SIGTERM stops connect cleanly with 0`;

function flagLine(flag: FlagSpec): [string, string] {
  const left = `--${flag.name}${flag.kind === 'boolean' ? '' : ` ${flag.placeholder ?? 'VALUE'}`}`;
  const env = flag.env === undefined ? '' : ` [${flag.env}]`;
  return [left, `${flag.description}${env}`];
}

function table(rows: [string, string][], indent = 2): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${' '.repeat(indent)}${left.padEnd(width)}  ${right}`).join('\n');
}

function usageLine(command: Command): string {
  const words = command.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`));
  return ['molecule-agent', command.name, ...words, '[options]'].join(' ');
}

/** The top-level help: commands, global options, environment and exit codes. */
export function renderMainHelp(commands: readonly Command[], version: string): string {
  return `molecule-agent ${version}: run and manage a Molecule AI remote agent

Usage: molecule-agent <command> [options]

Commands:
${table(commands.map((c) => [c.name, c.summary]))}
  help [command]  show help for a command

Global options (each also read from the environment variable in brackets; the option wins):
${table([...GLOBAL_FLAGS.map(flagLine), ['--version', 'print the version']])}

${EXIT_CODES_HELP}

Run 'molecule-agent <command> --help' for the options of one command.
`;
}

/** The help page of one command: usage, description, arguments, its options, the globals it reads. */
export function renderCommandHelp(command: Command): string {
  const sections = [`Usage: ${usageLine(command)}`, '', command.description];
  if (command.positionals.length > 0) {
    sections.push('', 'Arguments:', table(command.positionals.map((p) => [p.name, p.description])));
  }
  if (command.flags.length > 0) sections.push('', 'Options:', table(command.flags.map(flagLine)));
  const globals = GLOBAL_FLAGS.filter(
    (flag) => command.uses.includes(flag.name) || ['verbose', 'json', 'help'].includes(flag.name),
  );
  sections.push('', 'Global options used (each also read from the variable in brackets; the option wins):');
  sections.push(table(globals.map(flagLine)));
  if (command.examples.length > 0) sections.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  sections.push('', EXIT_CODES_HELP, '');
  return sections.join('\n');
}
