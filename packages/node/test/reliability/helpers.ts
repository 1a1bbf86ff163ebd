/**
 * Shared pieces of the reliability suite: the simulator on a real port, a virtual clock that both
 * the simulator and the SDK read (so request times in `sim.requests` are comparable with the
 * SDK's sleeps, and nobody waits for real), a seeded random, a logger that keeps every line, and
 * a deep scan for secrets in anything an SDK user could print.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock, CursorStore, Random } from '@molecule-ai/agent-core';
import { exposeAll } from '@molecule-ai/agent-core/testing';
import type { PlatformSim, RecordedRequest } from '@molecule-ai/platform-sim';

// The simulator harness is the package's shared one (test/sim.ts).
export { type Agent, createAgent, type SimHarness, startSim, until } from '../sim.js';

/** A start time far from the real one, so a real `Date.now()` leaking in would show. */
export const VIRTUAL_EPOCH: number = Date.UTC(2031, 0, 1);

interface Sleeper {
  at: number;
  resolve: () => void;
  cancel: () => void;
}

/**
 * A clock whose time only moves when someone sleeps: every `sleep` is recorded and resolved on a
 * later macrotask, with `now()` jumped to its wake-up time (earliest sleeper first). Sleeps
 * cancelled by their signal are forgotten and do not move time.
 *
 * Real work can be declared with {@link VirtualClock.hold} (or by sending HTTP through
 * {@link VirtualClock.heldFetch}): time stands still until it is done, so an HTTP exchange or a
 * file write costs no virtual time however long it takes on a busy machine.
 */
export class VirtualClock implements Clock {
  /** Every requested sleep, in milliseconds, in the order asked. */
  readonly sleeps: number[] = [];
  #now: number;
  #sleepers: Sleeper[] = [];
  #scheduled = false;
  #listeners: ((now: number) => void)[] = [];
  #holds = 0;

  constructor(start: number = VIRTUAL_EPOCH) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Virtual milliseconds since the clock started at `start`. */
  elapsed(start: number = VIRTUAL_EPOCH): number {
    return this.#now - start;
  }

  /** Calls `listener` with the new time whenever time moves. */
  onAdvance(listener: (now: number) => void): void {
    this.#listeners.push(listener);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        cancel: () => reject(signal?.reason),
      };
      const onAbort = (): void => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
        sleeper.cancel();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#sleepers.push(sleeper);
      this.#schedule();
    });
  }

  /** Keeps time still until the returned release function is called (idempotent). */
  acquire(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0 && this.#sleepers.length > 0) this.#schedule();
    };
  }

  /** Runs `work` with time held still. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    const release = this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  /**
   * A pass-through fetch that holds time from the request until its response body has been read
   * to the end (or failed, or been cancelled).
   */
  heldFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const release = this.acquire();
      let response: Response;
      try {
        response = await inner(input, init);
      } catch (error) {
        release();
        throw error;
      }
      if (response.body === null) {
        release();
        return response;
      }
      const reader = response.body.getReader();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              release();
              controller.close();
            } else controller.enqueue(value);
          } catch (error) {
            release();
            controller.error(error);
          }
        },
        cancel(reason) {
          release();
          return reader.cancel(reason);
        },
      });
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    };
  }

  /** `store` with every load, save and clear holding time still. */
  heldCursorStore(store: CursorStore): CursorStore {
    return {
      name: store.name,
      load: (id) => this.hold(() => store.load(id)),
      save: (id, state) => this.hold(() => store.save(id, state)),
      clear: (id) => this.hold(() => store.clear(id)),
    };
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#fire();
    });
  }

  #fire(): void {
    if (this.#sleepers.length === 0 || this.#holds > 0) return;
    const next = this.#sleepers.reduce((a, b) => (b.at < a.at ? b : a));
    if (next.at > this.#now) {
      this.#now = next.at;
      for (const listener of this.#listeners) listener(this.#now);
    }
    const due = this.#sleepers.filter((s) => s.at <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.at > this.#now);
    for (const sleeper of due) sleeper.resolve();
    if (this.#sleepers.length > 0) this.#schedule();
  }
}

/** A seeded uniform random in [0, 1) (mulberry32), so jitter replays identically. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The secrets among `secrets` that appear anywhere in `value` (see {@link exposeAll}). */
export function leakedSecrets(value: unknown, secrets: readonly string[]): string[] {
  const text = exposeAll(value);
  return secrets.filter((secret) => secret !== '' && text.includes(secret));
}

/** `METHOD /path` of the requests recorded so far whose path matches `path`. */
export function requestsTo(sim: PlatformSim, method: string, path: RegExp): RecordedRequest[] {
  return sim.requests.filter((r) => r.method === method && path.test(r.path));
}

/** Resolves `promise` to its rejection value; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a value');
}

/** One request a {@link RecordingServer} received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server that records every request and answers with `respond`. */
export interface RecordingServer {
  /** `http://localhost:<port>` (the platform refuses 127.0.0.1 literals at register). */
  url: string;
  port: number;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a {@link RecordingServer} on 127.0.0.1. */
export async function startRecordingServer(
  respond: (request: ReceivedRequest, res: ServerResponse) => void,
): Promise<RecordingServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A JSON-RPC success answering the request in `body` with one text part. */
export function jsonRpcReply(body: string, text: string): string {
  let id: unknown = null;
  try {
    id = (JSON.parse(body) as { id?: unknown }).id ?? null;
  } catch {}
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    result: { kind: 'message', role: 'agent', messageId: 'reply-1', parts: [{ kind: 'text', text }] },
  });
}
