#!/usr/bin/env node
// The Workers bundle check: bundles the example worker (core + this package, as wrangler would),
// fails if it pulls in a Node built-in or a host global, or if it outgrows its budget, and prints
// the minified and gzipped sizes (the figures in bench/RESULTS.md, "Workers bundle").
import { bundleExampleWorker } from '../example/bundle.mjs';

/** Gzipped budget. The Workers limit is 3 MB (free plan); this guards against accidental growth. */
const GZIP_BUDGET_BYTES = 48 * 1024;
const HOST_GLOBALS = ['process.', 'Buffer.', 'Bun.', '__dirname', 'require('];

const problems = [];
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
  console.log(
    `✓ workers bundle (${platform}): ${bundle.bytes} B minified, ${bundle.gzipBytes} B gzipped, ` +
      `${bundle.modules.length} input modules, no Node built-ins`,
  );
}
if (problems.length) {
  console.error(`✗ workers bundle:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
