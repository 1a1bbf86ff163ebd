/**
 * Deterministic fault injection. A {@link FaultPlan} is a list of rules; each rule matches
 * requests by method and path and fires a fault with a probability and/or a count. Decisions use
 * the simulator's seeded fault stream, so a plan replays identically for the same seed.
 */
import { jsonResponse, type SimResponse } from './http.js';
import type { RandomSource } from './random.js';

/** One kind of failure. */
export type Fault =
  /** Wait before handling the request. */
  | { type: 'latency'; ms: number }
  /** Answer with this status (default body `{"error":"injected fault"}`) without reaching the platform. */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** A 429 exactly like the platform limiter's (`Retry-After` may be 0). */
  | { type: 'rate-limit'; retryAfter?: number }
  /** The connection is dropped: `sim.fetch` rejects and the Node listener destroys the socket. */
  | { type: 'reset' }
  /** Headers are sent, then the body stream errors after `afterBytes` (default 0). */
  | { type: 'stream-error'; afterBytes?: number }
  /** The body is cut to `bytes` (default: half), with a matching Content-Length. */
  | { type: 'truncate'; bytes?: number }
  /** The body is sent in chunks of `chunkBytes` (default 16) with `delayMs` between them. */
  | { type: 'slow-body'; delayMs: number; chunkBytes?: number }
  /** The Content-Type header is replaced. */
  | { type: 'content-type'; value: string }
  /** The body is replaced with JSON that does not parse. */
  | { type: 'malformed-json' }
  /** Bytes in the middle of the body are flipped (a tarball then fails its gzip CRC). */
  | { type: 'corrupt-body' }
  /** A valid .tar.gz whose single file inflates to `bytes` zero bytes (a decompression bomb). */
  | { type: 'oversize-tarball'; bytes: number }
  /** The body (and optionally status/content type) is replaced, e.g. with a hostile tarball. */
  | { type: 'replace-body'; body: string | Uint8Array; contentType?: string; status?: number }
  /** Every datastore access fails for this request (the server's DB-error paths run). */
  | { type: 'datastore-down' }
  /** The A2A busy-queue insert fails: a busy push answers 503 `Retry-After: 30` instead of 202. */
  | { type: 'enqueue-fails' };

/** One rule of a plan. */
export interface FaultRule {
  /** Optional label, reported in `sim.requests[].faults`. */
  name?: string;
  /** Method(s) to match (default: any). */
  method?: string | string[];
  /**
   * Path to match (default: any). A string matches exactly, with `:param` segments matching any
   * single segment and a trailing `*` matching any rest; a RegExp is tested against the path.
   */
  path?: string | RegExp;
  /** Chance to fire for each matching request (default 1). */
  probability?: number;
  /** Fire at most this many times. */
  count?: number;
  /** Let this many matching requests through before the rule becomes active. */
  skip?: number;
  /** The fault(s) to apply; several combine (e.g. latency then 503). */
  fault: Fault | Fault[];
}

/** A declarative fault plan. */
export interface FaultPlan {
  rules: FaultRule[];
}

/** The error a `reset` fault raises (`code: 'ECONNRESET'`, like a reset Node socket). */
export function connectionResetError(): Error {
  return Object.assign(new Error('connection reset by peer (injected fault)'), { code: 'ECONNRESET' });
}

function pathMatches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  if (pattern instanceof RegExp) return pattern.test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  const a = pattern.split('/');
  const b = path.split('/');
  if (a.length !== b.length) return false;
  return a.every((seg, i) => (seg.startsWith(':') ? b[i] !== '' : seg === b[i]));
}

/** Faults chosen for one request. */
export interface FaultSelection {
  faults: Fault[];
  labels: string[];
}

/** Applies a plan to a stream of requests. */
export class FaultEngine {
  private plan: FaultPlan = { rules: [] };
  private seen: number[] = [];
  private fired: number[] = [];

  constructor(private readonly random: RandomSource) {}

  /** Replaces the plan and resets its counters. */
  setPlan(plan: FaultPlan | undefined): void {
    this.plan = plan ?? { rules: [] };
    this.seen = this.plan.rules.map(() => 0);
    this.fired = this.plan.rules.map(() => 0);
  }

  /** Picks the faults for one request (consumes randomness only for probabilistic rules). */
  select(method: string, path: string): FaultSelection {
    const out: FaultSelection = { faults: [], labels: [] };
    this.plan.rules.forEach((rule, i) => {
      const methods =
        rule.method === undefined ? undefined : [rule.method].flat().map((m) => m.toUpperCase());
      if (methods && !methods.includes(method)) return;
      if (!pathMatches(rule.path, path)) return;
      this.seen[i]!++;
      if (this.seen[i]! <= (rule.skip ?? 0)) return;
      if (rule.count !== undefined && this.fired[i]! >= rule.count) return;
      const p = rule.probability ?? 1;
      if (p < 1 && this.random.float() >= p) return;
      this.fired[i]!++;
      const faults = [rule.fault].flat();
      out.faults.push(...faults);
      out.labels.push(rule.name ?? faults.map((f) => f.type).join('+'));
    });
    return out;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const utf8 = new TextEncoder();

/** A short-circuit response for status-type faults, or `null`. */
export function preResponse(faults: Fault[]): SimResponse | null {
  for (const f of faults) {
    if (f.type === 'status') {
      const res = jsonResponse(f.status, f.body ?? { error: 'injected fault' });
      for (const [k, v] of Object.entries(f.headers ?? {})) res.headers.set(k, v);
      return res;
    }
    if (f.type === 'rate-limit') {
      const n = f.retryAfter ?? 0;
      const res = jsonResponse(429, { error: 'rate limit exceeded', retry_after: n });
      res.headers.set('Retry-After', String(n));
      res.headers.set('X-RateLimit-Remaining', '0');
      res.headers.set('X-RateLimit-Reset', String(n));
      return res;
    }
  }
  return null;
}

/** Runs the faults that act before the request is handled. Throws for `reset`. */
export async function applyPreFaults(faults: Fault[]): Promise<void> {
  for (const f of faults) {
    if (f.type === 'latency') await sleep(f.ms);
    if (f.type === 'reset') throw connectionResetError();
  }
}

async function bodyBytes(res: SimResponse): Promise<Uint8Array> {
  if (res.body === null) return new Uint8Array(0);
  if (res.body instanceof Uint8Array) return res.body;
  return new Uint8Array(await new Response(res.body).arrayBuffer());
}

/** A .tar.gz with one file of `bytes` zero bytes, compressed as a stream (never held inflated). */
export async function zeroBombTarball(bytes: number): Promise<Uint8Array> {
  const header = new Uint8Array(512);
  const put = (off: number, s: string): void => header.set(utf8.encode(s), off);
  put(0, 'bomb.bin');
  put(100, '0000644\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${bytes.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  header[156] = 0x30;
  put(257, 'ustar\0');
  put(263, '00');
  for (let i = 148; i < 156; i++) header[i] = 0x20;
  const sum = header.reduce((a, b) => a + b, 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  const chunk = new Uint8Array(1 << 20);
  let left = bytes;
  let sentHeader = false;
  let sentTrailer = false;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sentHeader) {
        sentHeader = true;
        controller.enqueue(header);
      } else if (left > 0) {
        const n = Math.min(left, chunk.length);
        left -= n;
        controller.enqueue(chunk.subarray(0, n));
      } else if (!sentTrailer) {
        sentTrailer = true;
        const pad = (512 - (bytes % 512)) % 512;
        controller.enqueue(new Uint8Array(pad + 1024));
      } else controller.close();
    },
  });
  const gz = source.pipeThrough(
    new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(gz).arrayBuffer());
}

/** Runs the faults that rewrite the response. */
export async function applyPostFaults(res: SimResponse, faults: Fault[]): Promise<SimResponse> {
  let out = res;
  for (const f of faults) {
    switch (f.type) {
      case 'content-type':
        out.headers.set('Content-Type', f.value);
        break;
      case 'malformed-json': {
        const body = utf8.encode('{"error": "unterminated');
        out = { ...out, body };
        out.headers.set('Content-Length', String(body.length));
        break;
      }
      case 'corrupt-body': {
        const body = (await bodyBytes(out)).slice();
        for (
          let i = Math.floor(body.length / 2);
          i < Math.min(body.length, Math.floor(body.length / 2) + 16);
          i++
        ) {
          body[i] = body[i]! ^ 0xff;
        }
        out = { ...out, body };
        break;
      }
      case 'oversize-tarball': {
        const body = await zeroBombTarball(f.bytes);
        out = { ...out, status: 200, body };
        out.headers.set('Content-Type', 'application/gzip');
        out.headers.set('Content-Length', String(body.length));
        break;
      }
      case 'replace-body': {
        const body = typeof f.body === 'string' ? utf8.encode(f.body) : f.body;
        out = { ...out, status: f.status ?? out.status, body };
        if (f.contentType) out.headers.set('Content-Type', f.contentType);
        out.headers.set('Content-Length', String(body.length));
        break;
      }
      case 'truncate': {
        const full = await bodyBytes(out);
        const body = full.slice(0, f.bytes ?? Math.floor(full.length / 2));
        out = { ...out, body };
        out.headers.set('Content-Length', String(body.length));
        break;
      }
      case 'stream-error': {
        const full = await bodyBytes(out);
        const head = full.slice(0, f.afterBytes ?? 0);
        out = {
          ...out,
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              if (head.length > 0) controller.enqueue(head);
            },
            pull(controller) {
              controller.error(connectionResetError());
            },
          }),
        };
        out.headers.set('Content-Length', String(full.length));
        break;
      }
      case 'slow-body': {
        const full = await bodyBytes(out);
        const size = Math.max(1, f.chunkBytes ?? 16);
        let offset = 0;
        out = {
          ...out,
          body: new ReadableStream<Uint8Array>({
            async pull(controller) {
              if (offset >= full.length) {
                controller.close();
                return;
              }
              if (offset > 0) await sleep(f.delayMs);
              controller.enqueue(full.slice(offset, offset + size));
              offset += size;
            },
          }),
        };
        out.headers.set('Content-Length', String(full.length));
        break;
      }
      default:
        break;
    }
  }
  return out;
}
