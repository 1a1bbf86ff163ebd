/**
 * Portable test helpers (Web APIs only: these run in Node and in workerd).
 */
import { createPlatformSim, type PlatformSim, type PlatformSimOptions } from '../../src/index.js';

/** Parsed JSON in tests is read loosely; assertions check the shape. */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Loose = any;

/** The base URL used for in-process requests. */
export const BASE = 'http://platform.test';

/** A parsed response. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: Loose;
}

/** Options of {@link call}. */
export interface CallOptions {
  body?: unknown;
  rawBody?: string | Uint8Array;
  token?: string;
  headers?: Record<string, string>;
  ip?: string;
}

/** Sends one request to the simulator in-process. */
export async function call(
  sim: PlatformSim,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Reply> {
  const headers = new Headers(opts.headers);
  if (opts.token !== undefined) headers.set('Authorization', `Bearer ${opts.token}`);
  let body: BodyInit | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody as BodyInit;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  }
  const res = await sim.fetch(new Request(`${BASE}${path}`, { method, headers, body }), {
    ip: opts.ip ?? '10.9.8.7',
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A simulator with a fixed seed (and whatever else the test needs). */
export function makeSim(opts: PlatformSimOptions = {}): PlatformSim {
  return createPlatformSim({ seed: 42, ...opts });
}

/** A fixed set of workspace ids. */
export const IDS = {
  a: '0a000000-0000-4000-8000-00000000000a',
  b: '0b000000-0000-4000-8000-00000000000b',
  c: '0c000000-0000-4000-8000-00000000000c',
  d: '0d000000-0000-4000-8000-00000000000d',
  e: '0e000000-0000-4000-8000-00000000000e',
  unknown: '0f000000-0000-4000-8000-00000000000f',
};

/** Registers a workspace and returns its token (first registration). */
export async function registerAgent(
  sim: PlatformSim,
  id: string,
  url = 'https://agent.example.com/a2a',
  card: unknown = { name: 'agent' },
): Promise<string> {
  const r = await call(sim, 'POST', '/registry/register', { body: { id, url, agent_card: card } });
  if (r.status !== 200 || typeof r.json?.auth_token !== 'string') {
    throw new Error(`register failed: ${r.status} ${r.text}`);
  }
  return r.json.auth_token as string;
}

/** A scripted in-memory agent reachable through `pushFetch`. */
export interface FakeAgent {
  pushFetch: typeof fetch;
  /** Requests pushed to the agent, with their bodies already parsed. */
  received: Array<{ url: string; method: string; headers: Headers; body: Loose }>;
}

/** Creates an agent whose replies come from `reply` (default: JSON-RPC echo of the text). */
export function fakeAgent(reply?: (req: Request, body: Loose) => Response | Promise<Response>): FakeAgent {
  const received: FakeAgent['received'] = [];
  const pushFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const text = await req.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep text
    }
    received.push({ url: req.url, method: req.method, headers: req.headers, body });
    if (reply) return reply(req, body);
    const b = body as { id?: unknown; params?: { message?: { parts?: Array<{ text?: string }> } } };
    const text0 = b?.params?.message?.parts?.[0]?.text ?? '';
    return Response.json({
      jsonrpc: '2.0',
      id: b?.id ?? null,
      result: { kind: 'message', role: 'agent', parts: [{ kind: 'text', text: `echo: ${text0}` }] },
    });
  }) as typeof fetch;
  return { pushFetch, received };
}

/** A JSON-RPC message/send body with one text part. */
export function messageBody(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    method: 'message/send',
    params: { message: { role: 'user', parts: [{ kind: 'text', text }] } },
    ...extra,
  };
}

/** Error thrown by a pushFetch to simulate a refused connection. */
export function refused(): Error {
  return Object.assign(new TypeError('fetch failed'), {
    cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
  });
}
