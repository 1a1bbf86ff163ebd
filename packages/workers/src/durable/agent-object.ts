import type { CursorStore, MessageHandler, TokenStore } from '@molecule-ai/agent-core';
import { createA2AHandler } from '@molecule-ai/agent-core/a2a';
import { createPollDelivery, type PollDelivery } from '@molecule-ai/agent-core/inbound';
import {
  type AgentTickResult,
  classifyLoopFailure,
  createAgentTickContext,
  initialLoopState,
  type LoopEvent,
  loopRetryDelay,
  resolveLoopPolicy,
  runAgentTick,
} from '@molecule-ai/agent-core/loops';
import { systemClock, systemRandom } from '@molecule-ai/agent-core/ports';
import { createDurableObjectCursorStore } from '../stores/durable-object-cursor-store.js';
import { createDurableObjectTokenStore } from '../stores/durable-object-token-store.js';
import type { StopRecord } from '../stores/kv-stop-marker.js';
import type { AgentTickReport } from '../worker/agent-tick-report.js';
import { parseLoopState } from '../worker/kv-loop-state.js';
import { loopClientOf } from '../worker/loop-client-of.js';
import { adoptFromKv } from './adopt-from-kv.js';
import type { DurableObjectStateLike } from './host-types.js';
import {
  type AgentObjectStatus,
  OBJECT_KEYS,
  OBJECT_OP_HEADER,
  OBJECT_WORKSPACE_HEADER,
  type ObjectOp,
} from './object-protocol.js';
import type { AgentDurableObjectContext, AgentDurableObjectOptions } from './options.js';
import { type ObjectConfig, resolveObjectConfig } from './resolve-object-config.js';

/**
 * If the object dies in the middle of an alarm (an eviction, a deploy, a crash), this alarm,
 * set before any work, wakes it again; a finished alarm replaces it with the loop's own.
 */
const WATCHDOG_MS = 60_000;

/** One agent object, as the Workers runtime constructs it: `new Class(ctx, env)`. */
export interface AgentDurableObjectInstance {
  /** Serves what the Worker forwards: pushed A2A requests and control calls. */
  fetch(request: Request): Promise<Response>;
  /** One tick of the agent loop; schedules the next alarm (or none once stopped). */
  alarm(): Promise<void>;
}

/** The Durable Object class of a {@link defineAgentDurableObject} definition. */
export type AgentDurableObjectClass<Env> = new (
  ctx: DurableObjectStateLike,
  env: Env,
) => AgentDurableObjectInstance;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Counts the saves that reach storage (the report's `cursorWrites`). */
function countingCursorStore(store: CursorStore): CursorStore & { readonly writes: number } {
  let writes = 0;
  return {
    name: store.name,
    load: (id) => store.load(id),
    async save(id, state) {
      await store.save(id, state);
      writes++;
    },
    clear: (id) => store.clear(id),
    get writes() {
      return writes;
    },
  };
}

/** Builds the Durable Object class that runs one workspace's agent on alarms. */
export function createAgentObjectClass<Env>(
  options: AgentDurableObjectOptions<Env>,
): AgentDurableObjectClass<Env> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const policy = (poll: boolean) =>
    resolveLoopPolicy({
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      statePollIntervalMs: options.statePollIntervalMs,
      deliveryIntervalMs: poll ? (options.pollIntervalMs ?? 5_000) : null,
    });

  return class AgentDurableObject implements AgentDurableObjectInstance {
    readonly #ctx: DurableObjectStateLike;
    readonly #env: Env;
    readonly #tokens: TokenStore;
    #config: Promise<ObjectConfig> | undefined;
    /** Alarms and control calls run one at a time; pushed requests do not wait for them. */
    #queue: Promise<unknown> = Promise.resolve();

    constructor(ctx: DurableObjectStateLike, env: Env) {
      this.#ctx = ctx;
      this.#env = env;
      this.#tokens = createDurableObjectTokenStore(ctx.storage, { prefix: OBJECT_KEYS.tokenPrefix });
    }

    #serial<T>(work: () => Promise<T>): Promise<T> {
      const run = this.#queue.then(work, work);
      this.#queue = run.catch(() => {});
      return run;
    }

    #configFor(workspaceId: string): Promise<ObjectConfig> {
      this.#config ??= resolveObjectConfig(options, this.#env, workspaceId, this.#tokens).catch((error) => {
        this.#config = undefined;
        throw error;
      });
      return this.#config;
    }

    async #status(workspaceId: string): Promise<AgentObjectStatus> {
      const storage = this.#ctx.storage;
      const [alarm, stopped, loop] = await Promise.all([
        storage.getAlarm(),
        storage.get<StopRecord>(OBJECT_KEYS.stopped),
        storage.get(OBJECT_KEYS.loop),
      ]);
      return {
        workspaceId,
        running: alarm !== null,
        nextAlarmAt: alarm,
        stopReason: stopped?.reason ?? null,
        registered: parseLoopState(loop) !== null,
      };
    }

    async fetch(request: Request): Promise<Response> {
      const op = request.headers.get(OBJECT_OP_HEADER) as ObjectOp | null;
      const workspaceId = request.headers.get(OBJECT_WORKSPACE_HEADER);
      if (!op || !workspaceId) return new Response(null, { status: 404 });
      const storage = this.#ctx.storage;
      const served = await storage.get<string>(OBJECT_KEYS.workspace);
      if (served !== undefined && served !== workspaceId) {
        // One object, one workspace: a request for another one was routed wrongly; touch nothing.
        return json({ error: 'this object serves another workspace' }, 409);
      }
      if (served === undefined) await storage.put(OBJECT_KEYS.workspace, workspaceId);
      switch (op) {
        case 'push':
          return this.#push(request, workspaceId);
        case 'status':
          return json(await this.#status(workspaceId));
        case 'start':
          return json(await this.#serial(() => this.#start(workspaceId)));
        case 'resume':
          return json(await this.#serial(() => this.#resume(workspaceId)));
        default:
          return new Response(null, { status: 404 });
      }
    }

    /** Schedules the first alarm of an agent that is neither running nor stopped. Idempotent. */
    async #start(workspaceId: string): Promise<AgentObjectStatus> {
      const storage = this.#ctx.storage;
      const stopped = await storage.get<StopRecord>(OBJECT_KEYS.stopped);
      if (!stopped && (await storage.getAlarm()) === null) await storage.setAlarm(clock.now());
      return this.#status(workspaceId);
    }

    /** Forgets the stop and the loop state, so the next alarm (now) registers anew. */
    async #resume(workspaceId: string): Promise<AgentObjectStatus> {
      const storage = this.#ctx.storage;
      await storage.delete(OBJECT_KEYS.stopped);
      await storage.delete(OBJECT_KEYS.loop);
      await storage.delete(OBJECT_KEYS.registerFailures);
      await storage.setAlarm(clock.now());
      return this.#status(workspaceId);
    }

    async #push(request: Request, workspaceId: string): Promise<Response> {
      const config = await this.#configFor(workspaceId);
      if (config.pushPath === null) return new Response(null, { status: 404 });
      const stopped = await this.#ctx.storage.get<StopRecord>(OBJECT_KEYS.stopped);
      const client = config.client();
      const endpoint = createA2AHandler({
        path: config.pushPath,
        logger: config.logger,
        available: () => stopped === undefined,
        onMessage: (message, pushContext) =>
          options.handler(message, { ...pushContext, ...this.#handlerContext(workspaceId, client) }),
      });
      return endpoint(request);
    }

    #handlerContext(
      workspaceId: string,
      client: AgentDurableObjectContext<Env>['client'],
    ): Omit<AgentDurableObjectContext<Env>, 'signal'> {
      return {
        env: this.#env,
        workspaceId,
        client,
        state: this.#ctx,
        waitUntil: (promise) => this.#ctx.waitUntil(promise),
      };
    }

    async alarm(): Promise<void> {
      const report = await this.#serial(() => this.#runAlarm());
      if (report) await options.onAlarm?.(report, this.#env);
    }

    async #runAlarm(): Promise<AgentTickReport | null> {
      const storage = this.#ctx.storage;
      const workspaceId = await storage.get<string>(OBJECT_KEYS.workspace);
      if (workspaceId === undefined) {
        await storage.deleteAlarm();
        return null;
      }
      const report: AgentTickReport = {
        workspaceId,
        result: 'ran',
        stopReason: null,
        registered: false,
        tick: null,
        cursorWrites: 0,
        loopStateWrites: 0,
      };
      const stopped = await storage.get<StopRecord>(OBJECT_KEYS.stopped);
      if (stopped) {
        await storage.deleteAlarm();
        return { ...report, result: 'skipped', stopReason: stopped.reason };
      }
      await storage.setAlarm(clock.now() + WATCHDOG_MS);

      const config = await this.#configFor(workspaceId);
      const { logger } = config;
      const client = config.client();
      const cursors = countingCursorStore(
        createDurableObjectCursorStore(storage, { prefix: OBJECT_KEYS.cursorPrefix }),
      );
      const poll = config.pushPath === null;
      const loopPolicy = policy(poll);
      let state = parseLoopState(await storage.get(OBJECT_KEYS.loop));
      let event: Extract<LoopEvent, { type: 'start' | 'wake' }> = { type: 'wake' };
      if (!state) {
        await adoptFromKv(options, this.#env, workspaceId, this.#tokens, cursors, logger, clock.now());
        try {
          await client.register();
        } catch (error) {
          // The core's backoff decides when to try again; nothing else happens until then.
          const failures = ((await storage.get<number>(OBJECT_KEYS.registerFailures)) ?? 0) + 1;
          const delay = loopRetryDelay(
            classifyLoopFailure(error),
            failures,
            loopPolicy.heartbeatIntervalMs,
            loopPolicy,
            random,
          );
          await storage.put(OBJECT_KEYS.registerFailures, failures);
          await storage.setAlarm(clock.now() + delay);
          logger.error('register failed; the next alarm tries again', { workspaceId, error, delayMs: delay });
          return { ...report, result: 'failed', error };
        }
        await storage.delete(OBJECT_KEYS.registerFailures);
        report.registered = true;
        state = initialLoopState(clock.now());
        event = { type: 'start' };
      }

      const delivery: PollDelivery | null = poll
        ? createPollDelivery({
            client,
            cursorStore: cursors,
            intervalMs: loopPolicy.deliveryIntervalMs ?? undefined,
            limit: options.pollLimit,
            logger,
          })
        : null;
      const context = createAgentTickContext<AgentDurableObjectContext<Env>>({
        client: loopClientOf(client, state, () => clock.now()),
        replyClient: client,
        handler: options.handler as MessageHandler<AgentDurableObjectContext<Env>>,
        handlerContext: this.#handlerContext(workspaceId, client),
        delivery,
        policy: loopPolicy,
        clock,
        random,
        logger,
        waitForHandlers: true,
      });
      let tick: AgentTickResult;
      try {
        tick = await runAgentTick(context, state, event);
      } finally {
        await delivery?.stop();
        report.cursorWrites = cursors.writes;
      }
      report.tick = tick;
      const next = tick.next;
      // Alarms run exactly when work is due, so every new due time matters: always written (object
      // storage is local to the object, not KV).
      await storage.put(OBJECT_KEYS.loop, next.state);
      report.loopStateWrites = 1;
      if (next.action === 'stop') {
        report.stopReason = next.reason;
        await storage.put<StopRecord>(OBJECT_KEYS.stopped, { reason: next.reason, atMs: clock.now() });
        await storage.deleteAlarm();
        logger.info('agent stopped; no more alarms until resumed', { workspaceId, reason: next.reason });
      } else {
        const delayMs = next.action === 'sleep' ? next.delayMs : 0;
        await storage.setAlarm(clock.now() + delayMs);
      }
      return report;
    }
  };
}
