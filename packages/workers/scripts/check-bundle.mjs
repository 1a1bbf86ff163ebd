#!/usr/bin/env node
// The Workers bundle check: bundles the example worker (core + this package, as wrangler would),
// fails if it pulls in a Node built-in or a host global, or if it outgrows its budget, and prints
// the minified and gzipped sizes. `--write-results` also writes them into the "Workers bundle"
// section of bench/RESULTS.md, replacing only that section.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { bundleExampleWorker } from '../example/bundle.mjs';

/** Gzipped budget. The Workers limit is 3 MB (free plan); this guards against accidental growth. */
const GZIP_BUDGET_BYTES = 48 * 1024;
const HOST_GLOBALS = ['process.', 'Buffer.', 'Bun.', '__dirname', 'require('];

const problems = [];
const figures = [];
for (const platform of ['browser', 'neutral']) {
  const before = problems.length;
  const bundle = await bundleExampleWorker({ platform, minify: true });
  if (bundle.hostImports.length) {
    problems.push(`${platform} bundle imports Node built-ins: ${bundle.hostImports.join(', ')}`);
  }
  for (const global of HOST_GLOBALS) {
    if (bundle.code.includes(global)) problems.push(`${platform} bundle uses the host global ${global}`);
  }
  if (bundle.gzipBytes > GZIP_BUDGET_BYTES) {
    problems.push(
      `${platform} bundle is ${bundle.gzipBytes} B gzipped, over the ${GZIP_BUDGET_BYTES} B budget`,
    );
  }
  if (problems.length > before) continue;
  figures.push({ platform, ...bundle });
  console.log(
    `✓ workers bundle (${platform}): ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzipped, ` +
      `${bundle.modules.length} input modules, no Node built-ins`,
  );
}
if (problems.length) {
  console.error(`✗ workers bundle:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

if (process.argv.includes('--write-results')) {
  const file = new URL('../../../bench/RESULTS.md', import.meta.url);
  const esbuildVersion = (await import('esbuild')).version;
  const section = [
    '## Workers bundle',
    '',
    `The example worker (\`packages/workers/example/src/worker.ts\`: \`defineAgentWorker\` with push, cron, KV) bundled`,
    `with esbuild ${esbuildVersion} as wrangler would (ESM, minified, \`workerd\`/\`worker\`/\`browser\` conditions), measured by`,
    '`pnpm --filter @molecule-ai/agent-workers check:pkg` (`scripts/check-bundle.mjs`; gzip level 9). It contains all of',
    'core that the worker reaches (client, loops, inbound, valibot) and no Node built-in.',
    '',
    '| platform | minified | gzipped | input modules | Node built-ins |',
    '| --- | --- | --- | --- | --- |',
    ...figures.map(
      (f) =>
        `| ${f.platform} | ${(f.bytes / 1024).toFixed(1)} KiB (${f.bytes} B) | ${(f.gzipBytes / 1024).toFixed(1)} KiB (${f.gzipBytes} B) | ${f.modules.length} | none |`,
    ),
    '',
    `Budget: ${GZIP_BUDGET_BYTES / 1024} KiB gzipped (the check fails above it); Cloudflare's limit is 3 MB gzipped on the free plan.`,
    '',
  ].join('\n');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = text.indexOf('## Workers bundle');
  let next;
  if (start === -1) next = `${text.replace(/\n*$/, '\n\n')}${section}`;
  else {
    const end = text.indexOf('\n## ', start + 1);
    next = text.slice(0, start) + section + (end === -1 ? '' : text.slice(end + 1));
  }
  writeFileSync(file, next);
  console.log('wrote the "Workers bundle" section of bench/RESULTS.md');
}
