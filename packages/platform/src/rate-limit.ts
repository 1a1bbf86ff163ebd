/**
 * The server's global limiter (`M/ratelimit.go`): a fixed window per client IP. The bucket
 * refills to `rate` once a minute has passed since the window started. Every response it sees
 * carries `X-RateLimit-Limit/Remaining/Reset`; a 429 adds `Retry-After` (integer seconds,
 * truncated, so it can be `0`) and `{"error":"rate limit exceeded","retry_after":N}`.
 */
import { jsonResponse, type SimResponse } from './http.js';

interface Bucket {
  tokens: number;
  windowStart: number;
}

/** Per-IP fixed-window limiter. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly rate: number,
    readonly intervalMs = 60_000,
  ) {}

  /**
   * Counts one request. Sets the rate headers on `headers` and returns a 429 response when the
   * bucket is empty, `null` when the request may proceed.
   */
  take(ip: string, now: number, headers: Headers): SimResponse | null {
    let b = this.buckets.get(ip);
    if (!b) {
      b = { tokens: this.rate, windowStart: now };
      this.buckets.set(ip, b);
    }
    if (now - b.windowStart >= this.intervalMs) {
      b.tokens = this.rate;
      b.windowStart = now;
    }
    const remaining = Math.max(0, b.tokens - 1);
    const reset = Math.max(0, Math.trunc((b.windowStart + this.intervalMs - now) / 1000));
    headers.set('X-RateLimit-Limit', String(this.rate));
    headers.set('X-RateLimit-Remaining', String(remaining));
    headers.set('X-RateLimit-Reset', String(reset));
    if (b.tokens <= 0) {
      const res = jsonResponse(429, { error: 'rate limit exceeded', retry_after: reset });
      res.headers.set('Retry-After', String(reset));
      return res;
    }
    b.tokens--;
    return null;
  }
}
