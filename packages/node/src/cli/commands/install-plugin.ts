import { join } from 'node:path';
import { installPluginWithPorts, type PluginInstallProgress } from '@molecule-ai/agent-core/plugins';
import { createFsPluginSink } from '../../plugins/fs-plugin-sink.js';
import { createProcessRunner } from '../../plugins/process-runner.js';
import { withSetupSandbox } from '../../plugins/sandboxed-runner.js';
import { defaultMoleculeDirectory, workspaceDirectory } from '../../stores/paths.js';
import type { Command } from '../command.js';
import { createCliClient } from '../create-cli-client.js';
import { ExitCode } from '../exit-codes.js';
import { createProgressReporter } from '../progress.js';
import { terminalText } from '../terminal-text.js';

const PHASE_TEXT: Record<PluginInstallProgress['phase'], string> = {
  // Reported before every install; it only waits while another install of the workspace runs.
  lock: 'taking the plugin lock',
  download: 'downloading',
  verify: 'verifying',
  swap: 'installing',
  setup: 'running setup.sh',
  report: 'reporting to the platform',
  done: 'done',
};

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** `molecule-agent install-plugin <name>`: download, verify and install a plugin. */
export const installPluginCommand: Command = {
  name: 'install-plugin',
  summary: 'download, check and install a plugin from the platform',
  description: `Downloads a plugin from the platform and installs it into the workspace's plugin
directory (default <token-dir>/<workspace-id>/plugins/<name>). Every archive entry is checked
(paths, types, sizes) while streaming; the tree is verified against --sha256, or against the
sha256 in its plugin.yaml, before it replaces the old version, which stays until the new one is
complete. Then setup.sh runs with PATH, HOME, the locale, the proxy variables (HTTP_PROXY,
HTTPS_PROXY, NO_PROXY, any case) and what --setup-env names, never a Molecule token, and the install is
reported to the platform. setup.sh runs as your user: with --sandbox (Linux, bubblewrap) it cannot see
the token folder or this process, and nothing it starts survives it. A progress bar is shown on a terminal, plain lines otherwise (stderr).

Exit 1 when the download, a check or the hash fails (nothing is changed), or when setup.sh fails
(the plugin stays installed).`,
  positionals: [{ name: 'name', description: 'the plugin name' }],
  flags: [
    {
      name: 'source',
      kind: 'string',
      env: 'MOLECULE_PLUGIN_SOURCE',
      placeholder: 'SOURCE',
      description: 'where the platform fetches it from, e.g. github://acme/plugin (default local://<name>)',
    },
    {
      name: 'sha256',
      kind: 'string',
      env: 'MOLECULE_PLUGIN_SHA256',
      placeholder: 'HASH',
      description: "the content hash the plugin must have (see 'hash'); wins over plugin.yaml's",
    },
    {
      name: 'plugins-dir',
      kind: 'string',
      env: 'MOLECULE_PLUGINS_DIR',
      placeholder: 'DIR',
      description: 'install into DIR/<name> (default <token-dir>/<workspace-id>/plugins)',
    },
    {
      name: 'setup-env',
      kind: 'list',
      env: 'MOLECULE_SETUP_ENV',
      placeholder: 'NAME[=VALUE]',
      description:
        'pass a variable to setup.sh (repeatable; the variable is comma-separated); proxy variables pass without it, token variables never',
    },
    { name: 'skip-setup', kind: 'boolean', env: 'MOLECULE_SKIP_SETUP', description: 'do not run setup.sh' },
    {
      name: 'sandbox',
      kind: 'boolean',
      env: 'MOLECULE_SETUP_SANDBOX',
      description:
        'run setup.sh in a bubblewrap sandbox (Linux): no token folder, no access to this process, nothing left running; fails if bwrap is missing',
    },
    {
      name: 'skip-report',
      kind: 'boolean',
      env: 'MOLECULE_SKIP_REPORT',
      description: 'do not report the install to the platform',
    },
  ],
  uses: ['platform-url', 'workspace-id', 'token', 'token-dir', 'org-id', 'origin'],
  examples: [
    'molecule-agent install-plugin my-plugin',
    'molecule-agent install-plugin my-plugin --source github://acme/my-plugin --sha256 <hash>',
  ],
  async run({ io, settings, positionals, logger, json, print, printJson }) {
    const name = positionals[0] as string;
    const source = settings.string('source');
    const sha256 = settings.string('sha256')?.toLowerCase();
    const runSetup = !settings.boolean('skip-setup');
    const reportToPlatform = !settings.boolean('skip-report');
    const { client, tokens } = createCliClient(settings, logger);
    const pluginsDir =
      settings.path('plugins-dir') ??
      join(
        workspaceDirectory(settings.path('token-dir') ?? defaultMoleculeDirectory(), tokens.workspaceId),
        'plugins',
      );

    const tokenDir = settings.path('token-dir') ?? defaultMoleculeDirectory();
    // Checked before anything is downloaded: a missing bubblewrap never means running unsandboxed.
    const runner = await withSetupSandbox(createProcessRunner(), {
      sandbox: settings.boolean('sandbox') ? { hide: [tokenDir] } : false,
      runSetup,
    });

    const progress = createProgressReporter(io.stderr);
    const result = await (async () => {
      try {
        return await installPluginWithPorts({
          client,
          name,
          sink: createFsPluginSink({ pluginsDir }),
          runner,
          hostEnv: process.env,
          setupEnv: settings.list('setup-env'),
          runSetup,
          reportToPlatform,
          logger,
          ...(source === undefined ? {} : { source }),
          ...(sha256 === undefined ? {} : { expectedSha256: sha256 }),
          onProgress: (event) => {
            const bytes = event.phase === 'download' ? event.bytesDownloaded : undefined;
            progress.update({
              phase: PHASE_TEXT[event.phase],
              ...(bytes === undefined ? {} : { bytes }),
              ...(bytes !== undefined && event.totalBytes !== null ? { totalBytes: event.totalBytes } : {}),
            });
          },
          onOutput: (stream, line) => {
            progress.finish();
            // The plugin's own output: no escape sequences of its own on our terminal.
            io.stderr.write(`setup.sh ${stream}: ${terminalText(line)}\n`);
          },
        });
      } finally {
        progress.finish();
      }
    })();

    const setupFailed = result.setup !== null && !result.setup.ok;
    if (json) {
      printJson({ ok: !setupFailed, ...result });
    } else {
      print(
        `installed ${result.name} into ${result.path} (${result.files} files, ${formatBytes(result.bytes)})`,
      );
      print(
        result.verifiedWith === null
          ? 'hash: not checked (no --sha256 and no sha256 in plugin.yaml)'
          : `hash: ${result.manifestSha256} matches ${result.verifiedWith === 'expectedSha256' ? '--sha256' : 'plugin.yaml'}`,
      );
      if (result.setup !== null) {
        print(`setup.sh: ${result.setup.ok ? 'ok' : 'failed'}`);
      }
      if (result.report !== null) {
        const report =
          result.report.status === 'recorded'
            ? 'recorded'
            : result.report.status === 'not-supported'
              ? 'the platform does not record installs for remote workspaces'
              : `failed (${result.report.error})`;
        print(`platform report: ${report}`);
      }
    }
    if (setupFailed) {
      const setup = result.setup;
      const why =
        setup?.error ?? (setup?.timedOut ? 'timed out' : `exit ${setup?.exitCode ?? setup?.signal}`);
      io.stderr.write(
        `molecule-agent: error: setup.sh of ${result.name} failed (${terminalText(why)}); the plugin stays installed\n`,
      );
      return ExitCode.failure;
    }
    return ExitCode.ok;
  },
};
