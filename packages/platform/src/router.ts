/**
 * A tiny gin-like router: static segments win over `:params`, one tree per method, and gin's
 * `RedirectTrailingSlash` (301 for GET, 307 otherwise) when only the other spelling exists.
 */
import type { RequestContext } from './context.js';
import type { SimResponse } from './http.js';

/** A route handler. */
export type Handler = (ctx: RequestContext) => SimResponse | Promise<SimResponse>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** The outcome of matching a path. */
export type RouteMatch =
  | { kind: 'handler'; handler: Handler; params: Record<string, string> }
  | { kind: 'redirect'; location: string; status: number }
  | { kind: 'none' };

/** Routes registered with method + pattern (`/workspaces/:id/state`). */
export class Router {
  private readonly routes: Route[] = [];

  /** Registers a route. */
  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').slice(1), handler });
    return this;
  }

  private find(method: string, path: string): { handler: Handler; params: Record<string, string> } | null {
    const parts = path.split('/').slice(1);
    let best: { handler: Handler; params: Record<string, string>; score: number[] } | null = null;
    for (const r of this.routes) {
      if (r.method !== method || r.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const score: number[] = [];
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = r.segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith(':')) {
          if (part === '') {
            ok = false;
            break;
          }
          params[seg.slice(1)] = part;
          score.push(0);
        } else if (seg === part) score.push(1);
        else {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      // Static segments earlier in the path take precedence, as in gin's radix tree.
      if (!best || compareScore(score, best.score) > 0) best = { handler: r.handler, params, score };
    }
    return best;
  }

  /** Matches a decoded path. */
  match(method: string, path: string): RouteMatch {
    const hit = this.find(method, path);
    if (hit) return { kind: 'handler', ...hit };
    if (path !== '/') {
      const other = path.endsWith('/') ? path.slice(0, -1) : `${path}/`;
      if (this.find(method, other)) {
        return { kind: 'redirect', location: other, status: method === 'GET' ? 301 : 307 };
      }
    }
    return { kind: 'none' };
  }
}

function compareScore(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
