/**
 * `createPlatformSim`: the whole simulated platform behind one standard fetch handler.
 * Middleware order is the server's: CORS → rate limiter → TenantGuard → SecurityHeaders →
 * route-level auth → handler.
 */
import { SimAdmin } from './admin.js';
import { concatBytes } from './bytes.js';
import type { RequestContext } from './context.js';
import { SimCore } from './core.js';
import { applyCors } from './cors.js';
import {
  applyPostFaults,
  applyPreFaults,
  FaultEngine,
  type FaultPlan,
  type FaultSelection,
  preResponse,
} from './faults.js';
import { dataResponse, emptyResponse, notFoundText, type SimResponse, toWebResponse } from './http.js';
import { defaultResolveHost, type PlatformSimOptions, type ResolvedOptions } from './options.js';
import { toPluginTree } from './plugins/tree.js';
import { createCryptoRandom, createSeededRandom, type RandomSource } from './random.js';
import { RateLimiter } from './rate-limit.js';
import { type RecordedRequest, recordHeaders, recordQuery } from './recorder.js';
import { handleAdminSim } from './routes/admin-sim.js';
import { platformRoutes } from './routes/table.js';
import { isSameOriginCanvas } from './same-origin-canvas.js';
import { setSecurityHeaders } from './security-headers.js';
import { tenantGuardAllows } from './tenant-guard.js';
import { newTokenPlaintext } from './tokens.js';

/** Per-request information a host adapter can pass along. */
export interface FetchInfo {
  /** The TCP peer address (used as the rate-limit key). Default `"unknown"`. */
  ip?: string;
  /**
   * A Worker's `ctx.waitUntil`: background work started by a request (delegations, queue
   * drains) is registered with it so the runtime does not cancel it after the response.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** A running simulated platform. */
export interface PlatformSim {
  /** The standard fetch handler. Rejects only for an injected `reset` fault. */
  fetch(request: Request, info?: FetchInfo): Promise<Response>;
  /** `ADMIN_TOKEN` ("" when configured off). Also guards `/admin/sim/*`. */
  readonly adminToken: string;
  /** The admin API. */
  readonly admin: SimAdmin;
  /** Every platform request seen so far (admin `/admin/sim/*` calls excluded), oldest first; empty with `recordRequests: false`. */
  readonly requests: readonly RecordedRequest[];
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Replaces the fault plan (`undefined` clears it) and resets its counters. */
  setFaults(plan?: FaultPlan): void;
  /** Waits for background work (delegations, queue drains) to finish. */
  settle(): Promise<void>;
  /** The effective options. */
  readonly options: Readonly<ResolvedOptions>;
}

function resolveOptions(o: PlatformSimOptions, random: RandomSource): ResolvedOptions {
  return {
    adminToken: o.adminToken === false ? '' : (o.adminToken ?? newTokenPlaintext(random)),
    devMode: o.devMode ?? false,
    production: o.production ?? false,
    enableTestTokens: o.enableTestTokens ?? false,
    canvasProxyUrl: o.canvasProxyUrl ?? '',
    saasMode: o.saasMode ?? Boolean(o.orgId),
    orgId: (o.orgId ?? '').trim(),
    rateLimit: o.rateLimit === undefined ? 600 : o.rateLimit,
    corsOrigins: o.corsOrigins ?? ['http://localhost:3000', 'http://localhost:3001'],
    activityFeed: o.activityFeed ?? 'server',
    allowPlaceholderUrl: o.allowPlaceholderUrl ?? false,
    pushFetch: o.pushFetch ?? ((input, init) => fetch(input, init)),
    clock: o.clock ?? { now: () => Date.now() },
    seed: o.seed,
    resolveHost: o.resolveHost ?? defaultResolveHost,
    pluginSource: o.pluginSource,
    pluginAllowUnpinned: o.pluginAllowUnpinned ?? false,
    pluginMaxDirBytes: o.pluginMaxDirBytes ?? 104_857_600,
    pluginFetchTimeoutMs: o.pluginFetchTimeoutMs ?? 300_000,
    pluginAllowlist: o.pluginAllowlist ?? [],
    tarOwner: { uid: 1000, gid: 1000, uname: '', gname: '', ...o.tarOwner },
    a2aIdleTimeoutMs: o.a2aIdleTimeoutMs ?? 300_000,
    delegationRetryDelayMs: o.delegationRetryDelayMs ?? 8000,
    dockerProvisioner: o.dockerProvisioner ?? false,
    platformUrl: o.platformUrl,
  };
}

/** Reads the whole body with a reader, so a failing stream rejects here and nowhere else. */
async function readRequestBody(request: Request): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concatBytes(chunks);
    chunks.push(value);
  }
}

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/**
 * Creates a simulated Molecule platform.
 *
 * @example
 * const sim = createPlatformSim({ devMode: true, seed: 1 });
 * const res = await sim.fetch(new Request('http://platform.test/health'));
 */
export function createPlatformSim(options: PlatformSimOptions = {}): PlatformSim {
  const random = options.seed === undefined ? createCryptoRandom() : createSeededRandom(options.seed, 0);
  const faultRandom = options.seed === undefined ? createCryptoRandom() : createSeededRandom(options.seed, 1);
  const resolved = resolveOptions(options, random);
  const core = new SimCore(resolved, random, faultRandom);
  const limiter = resolved.rateLimit === false ? null : new RateLimiter(resolved.rateLimit);
  const router = platformRoutes();
  const faults = new FaultEngine(faultRandom);
  faults.setPlan(options.faults);
  const requests: RecordedRequest[] = [];
  const recording = options.recordRequests !== false;
  let seq = 0;

  for (const [name, files] of Object.entries(options.plugins ?? {}))
    core.store.plugins.set(name, toPluginTree(files));

  async function handle(ctx: RequestContext, selection: FaultSelection): Promise<SimResponse> {
    core.sweepLiveness();
    const cors = applyCors(ctx.method, ctx.url.host, ctx.headers, resolved.corsOrigins);
    if (cors.kind === 'respond') return cors.response;
    const base = cors.headers;
    if (core.devFailOpen) base.set('X-RateLimit-Limit', 'unlimited');
    else if (limiter) {
      const limited = limiter.take(ctx.ip, core.now(), base);
      if (limited) return merge(base, limited);
    }
    const injected = preResponse(selection.faults);
    if (injected) return merge(base, injected);
    const canvas = isSameOriginCanvas(resolved.canvasProxyUrl, ctx.url.host, ctx.headers);
    if (!tenantGuardAllows(resolved.orgId, ctx.path, ctx.headers, canvas))
      return merge(base, emptyResponse(404));
    setSecurityHeaders(ctx.path, base);
    const match = router.match(ctx.method, ctx.path);
    if (match.kind === 'redirect') {
      const res =
        ctx.method === 'GET'
          ? dataResponse(
              match.status,
              'text/html; charset=utf-8',
              new TextEncoder().encode(`<a href="${match.location}">Moved Permanently</a>.\n\n`),
            )
          : emptyResponse(match.status);
      res.headers.set('Location', match.location);
      return merge(base, res);
    }
    if (match.kind === 'none') return merge(base, notFoundText());
    ctx.params = match.params;
    return merge(base, await match.handler(ctx));
  }

  function merge(base: Headers, res: SimResponse): SimResponse {
    const headers = new Headers(base);
    res.headers.forEach((v, k) => {
      headers.set(k, v);
    });
    return { ...res, headers };
  }

  async function simFetch(request: Request, info?: FetchInfo): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/admin/sim/') || url.pathname === '/admin/sim') {
      return toWebResponse(await handleAdminSim(sim, core, request, url));
    }
    // A body stream that errors is the handler's problem, as in Go (the a2a proxy answers 400).
    let body: Uint8Array = new Uint8Array(0);
    let bodyReadFailed = false;
    try {
      body = await readRequestBody(request);
    } catch {
      bodyReadFailed = true;
    }
    const path = decodePath(url.pathname);
    const ip = info?.ip ?? 'unknown';
    const method = request.method.toUpperCase();
    const selection = faults.select(method, path ?? url.pathname);
    let record: RecordedRequest | null = null;
    if (recording) {
      const text = new TextDecoder().decode(body);
      record = {
        seq: ++seq,
        at: core.now(),
        method,
        path: path ?? url.pathname,
        query: recordQuery(url.searchParams),
        rawQuery: url.search.replace(/^\?/, ''),
        headers: recordHeaders(request.headers),
        body: text,
        ip,
        status: 0,
        responseHeaders: {},
        faults: selection.labels,
      };
      try {
        record.json = JSON.parse(text);
      } catch {
        // not JSON
      }
      requests.push(record);
    }
    await applyPreFaults(selection.faults);
    let res: SimResponse;
    if (path === null) {
      res = dataResponse(400, 'text/plain; charset=utf-8', new TextEncoder().encode('400 Bad Request'));
    } else {
      const ctx: RequestContext = {
        core,
        request,
        url,
        method,
        path,
        query: url.searchParams,
        headers: request.headers,
        body,
        bodyReadFailed,
        ip,
        params: {},
        datastoreDown: selection.faults.some((f) => f.type === 'datastore-down'),
        enqueueFails: selection.faults.some((f) => f.type === 'enqueue-fails'),
        ...(info?.waitUntil ? { waitUntil: info.waitUntil } : {}),
      };
      res = await handle(ctx, selection);
    }
    res = await applyPostFaults(res, selection.faults);
    if (record) {
      record.status = res.status;
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        responseHeaders[k] = v;
      });
      record.responseHeaders = responseHeaders;
    }
    return toWebResponse(res);
  }

  const sim: PlatformSim = {
    fetch: simFetch,
    adminToken: resolved.adminToken,
    admin: new SimAdmin(core, (req) => simFetch(req, { ip: 'canvas' })),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    setFaults: (plan) => faults.setPlan(plan),
    settle: () => core.background.settle(),
    options: resolved,
  };
  return sim;
}
