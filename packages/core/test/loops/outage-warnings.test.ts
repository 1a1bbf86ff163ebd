import { describe, expect, it } from 'vitest';
import { createAgentClient } from '../../src/client/index.js';
import { AbortError, ConnectionError } from '../../src/errors.js';
import {
  initialLoopState,
  resolveLoopPolicy,
  runAgentTick,
  warnTickFailures,
} from '../../src/loops/index.js';
import { createFakeClock, createMemoryTokenStore, createRecordingLogger } from '../../src/testing/index.js';
import { closedPort } from '../helpers/scripted-server.js';

const WS = '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b';

describe('a platform outage', () => {
  it('warnings name the host and say when the next try is', async () => {
    const port = await closedPort();
    const logger = createRecordingLogger();
    const clock = createFakeClock();
    const client = createAgentClient({
      workspaceId: WS,
      platformUrl: `http://127.0.0.1:${port}`,
      tokenStore: createMemoryTokenStore({ [WS]: 'tok' }),
      clock,
      random: () => 0.5,
      logger,
    });
    const error = await client.pollState().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`to 127.0.0.1:${port} failed before an answer arrived`);

    const tick = await runAgentTick(
      {
        client,
        policy: resolveLoopPolicy({ heartbeatIntervalMs: 30_000, statePollIntervalMs: 30_000 }),
        clock,
        random: () => 0.5,
        delivery: null,
        dispatcher: null,
        logger,
      },
      initialLoopState(clock.now()),
      { type: 'start' },
    );
    expect(tick.next.action).toBe('sleep');
    const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
    // Equal jitter at r = 0.5: three quarters of the 30 s interval.
    expect(warnings).toEqual(['heartbeat failed; next try in 23 s', 'state poll failed; next try in 23 s']);
    const fields = logger.lines.find((line) => line.message.startsWith('heartbeat failed'))!.fields!;
    expect(fields.retryInMs).toBe(22_500);
    expect(String((fields.error as Error).message)).toContain(`127.0.0.1:${port}`);
  });
});

describe('stopping', () => {
  it('an operation aborted by a stop is not reported as a failure', () => {
    const logger = createRecordingLogger();
    const now = 1_700_000_000_000;
    warnTickFailures(
      { heartbeat: new AbortError('POST /registry/heartbeat was aborted by the caller') },
      { action: 'stop', reason: 'aborted', state: initialLoopState(now) },
      now,
      logger,
    );
    expect(logger.lines).toEqual([]);
  });
});
