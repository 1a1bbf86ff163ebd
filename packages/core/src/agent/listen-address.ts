import { ConfigError } from '../errors.js';

/** Where a push server binds. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The host `--listen PORT` binds when none is given: only this machine can reach it. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

function parsePort(text: string, from: string, raw: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535) {
    throw new ConfigError(
      `${from} must be [HOST:]PORT with a port from 0 to 65535, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(text);
}

/**
 * Reads a listen address: `PORT`, `HOST:PORT` or `[IPv6]:PORT` (port `0` picks a free one). The
 * host defaults to `127.0.0.1`. `from` names the option or variable in the ConfigError.
 *
 * @example
 * parseListenAddress('8080');            // { host: '127.0.0.1', port: 8080 }
 * parseListenAddress('0.0.0.0:0');       // { host: '0.0.0.0', port: 0 }
 * parseListenAddress('[::1]:9000');      // { host: '::1', port: 9000 }
 */
export function parseListenAddress(value: string | number, from = 'listen'): ListenAddress {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      throw new ConfigError(`${from} must be a port from 0 to 65535, got ${value}`);
    }
    return { host: DEFAULT_LISTEN_HOST, port: value };
  }
  const text = value.trim();
  const bracketed = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: parsePort(bracketed[2]!, from, value) };
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: DEFAULT_LISTEN_HOST, port: parsePort(text, from, value) };
  const host = text.slice(0, colon);
  if (host === '' || host.includes(':')) {
    throw new ConfigError(
      `${from} must be [HOST:]PORT (an IPv6 host in brackets, e.g. [::1]:8080), got ${JSON.stringify(value)}`,
    );
  }
  return { host, port: parsePort(text.slice(colon + 1), from, value) };
}
