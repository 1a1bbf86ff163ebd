#!/usr/bin/env node
/**
 * `molecule-platform-sim`: run the simulated platform as an HTTP server, e.g. for an agent written
 * in another language or for the demo. Prints the URL and the admin token, then serves until
 * SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FaultPlan } from '../faults.js';
import type { PlatformSimOptions } from '../options.js';
import { createPlatformSim } from '../sim.js';
import { startPlatformServer } from './listener.js';
import { folderPluginSource } from './plugin-folder.js';

const HELP = `Usage: molecule-platform-sim [options]

Runs an in-memory Molecule AI platform on HTTP.

Options:
  --port <n>                 port to listen on (default 8080; 0 picks a free one)
  --host <addr>              interface to bind (default 127.0.0.1)
  --dev                      MOLECULE_ENV=dev: loopback agent URLs reachable at dispatch
  --saas                     SaaS mode: RFC-1918 agent URLs allowed
  --org-id <id>              MOLECULE_ORG_ID: TenantGuard on (needs X-Molecule-Org-Id)
  --canvas-proxy-url <url>   CANVAS_PROXY_URL: same-origin canvas requests pass TenantGuard/WorkspaceAuth
  --production               MOLECULE_ENV=production: the test-token route answers 404
  --enable-test-tokens       MOLECULE_ENABLE_TEST_TOKENS=1: keep it on in production
  --activity-feed <mode>     server (default) | cursor
  --plugins <dir>            serve local://<name> from <dir>/<name>/
  --seed <n>                 deterministic ids, tokens and faults
  --admin-token <token>      ADMIN_TOKEN (default: random, printed)
  --no-admin-token           run with ADMIN_TOKEN unset
  --rate-limit <n|off>       requests per minute per IP (default 600)
  --cors-origins <a,b>       allowed CORS origins
  --allow-placeholder-url    accept remote://… URLs at register (poll-only agents)
  --faults <file.json>       a fault plan: {"rules":[…]}
  --json                     print one JSON line {"url","adminToken","port"} instead of text
  -h, --help                 show this help
`;

function fail(message: string): never {
  process.stderr.write(`molecule-platform-sim: ${message}\n\n${HELP}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: ReturnType<typeof parseArgs>['values'];
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        dev: { type: 'boolean' },
        saas: { type: 'boolean' },
        'org-id': { type: 'string' },
        'canvas-proxy-url': { type: 'string' },
        production: { type: 'boolean' },
        'enable-test-tokens': { type: 'boolean' },
        'activity-feed': { type: 'string' },
        plugins: { type: 'string' },
        seed: { type: 'string' },
        'admin-token': { type: 'string' },
        'no-admin-token': { type: 'boolean' },
        'rate-limit': { type: 'string' },
        'cors-origins': { type: 'string' },
        'allow-placeholder-url': { type: 'boolean' },
        faults: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const int = (k: string): number | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) fail(`--${k} must be a non-negative integer`);
    return Number(v);
  };

  const options: PlatformSimOptions = {};
  if (values.dev) options.devMode = true;
  if (values.saas) options.saasMode = true;
  if (str('org-id')) options.orgId = str('org-id')!;
  if (str('canvas-proxy-url')) options.canvasProxyUrl = str('canvas-proxy-url')!;
  if (values.production) options.production = true;
  if (values['enable-test-tokens']) options.enableTestTokens = true;
  const feed = str('activity-feed');
  if (feed !== undefined) {
    if (feed !== 'server' && feed !== 'cursor') fail('--activity-feed must be server or cursor');
    options.activityFeed = feed;
  }
  if (str('plugins')) options.pluginSource = folderPluginSource(str('plugins')!);
  const seed = int('seed');
  if (seed !== undefined) options.seed = seed;
  if (values['no-admin-token']) options.adminToken = false;
  else if (str('admin-token')) options.adminToken = str('admin-token')!;
  const rate = str('rate-limit');
  if (rate !== undefined) options.rateLimit = rate === 'off' ? false : (int('rate-limit') ?? 600);
  if (str('cors-origins'))
    options.corsOrigins = str('cors-origins')!
      .split(',')
      .map((s) => s.trim());
  if (values['allow-placeholder-url']) options.allowPlaceholderUrl = true;
  if (str('faults')) {
    try {
      options.faults = JSON.parse(readFileSync(str('faults')!, 'utf8')) as FaultPlan;
    } catch (e) {
      fail(`cannot read --faults: ${(e as Error).message}`);
    }
  }

  const sim = createPlatformSim(options);
  const server = await startPlatformServer(sim, {
    port: int('port') ?? 8080,
    host: str('host') ?? '127.0.0.1',
  });
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ url: server.url, adminToken: sim.adminToken, port: server.port })}\n`,
    );
  } else {
    process.stdout.write(`molecule-platform-sim listening on ${server.url}\n`);
    process.stdout.write(`admin token: ${sim.adminToken || '(none: ADMIN_TOKEN unset)'}\n`);
  }
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`molecule-platform-sim: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
});
