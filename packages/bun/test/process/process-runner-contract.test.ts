import { describe, it } from 'bun:test';
import { realpath } from 'node:fs/promises';
import { testProcessRunner } from '@molecule-ai/agent-core/testing';
import { createProcessRunner } from '../../src/index.js';
import { makeTempDirectory } from '../helpers/temp-directory.js';

// The core's ProcessRunner contract, run in the real Bun runtime against Bun.spawn.
testProcessRunner({ describe, it }, async () => {
  const temp = await makeTempDirectory('molecule-bun-runner-');
  return {
    runner: createProcessRunner({ killGraceMs: 500 }),
    cwd: await realpath(temp.path),
    path: process.env.PATH ?? '/usr/bin:/bin',
    dispose: temp.remove,
  };
});
