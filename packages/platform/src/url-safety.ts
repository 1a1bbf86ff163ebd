/**
 * Agent URL checks: `validateAgentURL` at register and `isSafeURL` at dispatch.
 */

/** An IP address as bytes: 4 for IPv4 (IPv4-mapped IPv6 is folded to IPv4, like Go's To4). */
export type IpBytes = Uint8Array;

/** Parses a dotted-quad IPv4 or an IPv6 literal; `null` when the text is not an IP literal. */
export function parseIp(text: string): IpBytes | null {
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(host);
  if (v4) return v4;
  if (!host.includes(':')) return null;
  const v6 = parseIpv6(host);
  if (!v6) return null;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | null {
  const zone = s.indexOf('%');
  const text = zone >= 0 ? s.slice(0, zone) : s;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseIpv4(item);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return null;
        out.push(Number.parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function inCidr(ip: IpBytes, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const net = parseIp(base!.includes(':') ? base! : base!);
  const bits = Number(bitsText);
  if (!net || net.length !== ip.length) return false;
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((ip[byte]! & mask) !== (net[byte]! & mask)) return false;
  }
  return true;
}

const ALWAYS_BLOCKED_AT_REGISTER = [
  '169.254.0.0/16',
  '127.0.0.0/8',
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '100.64.0.0/10',
  '224.0.0.0/4',
  '::1/128',
  'fe80::/10',
  'fc00::/8',
  '2001:db8::/32',
];
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fd00::/8'];
const LOOPBACK = ['127.0.0.0/8', '::1/128'];
const UNSPECIFIED = ['0.0.0.0/32', '::/128'];
const METADATA_AND_RESERVED = [
  '169.254.0.0/16',
  'fe80::/10',
  '100.64.0.0/10',
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
];

const any = (ip: IpBytes, list: string[]): boolean => list.some((c) => inCidr(ip, c));

/** The mode switches that loosen the checks. */
export interface UrlPolicy {
  saasMode: boolean;
  devMode: boolean;
  resolveHost: (hostname: string) => string[] | Promise<string[]>;
}

function hostOf(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

async function resolveAll(policy: UrlPolicy, host: string): Promise<IpBytes[]> {
  const addrs = await policy.resolveHost(host);
  if (addrs.length === 0) throw new Error(`DNS returned no addresses for: ${host}`);
  return addrs.map((a) => {
    const ip = parseIp(a);
    if (!ip) throw new Error(`resolver returned a non-IP address for ${host}`);
    return ip;
  });
}

/**
 * Register-time validation (`H/registry.go: validateAgentURL`). Returns an error text, or
 * `null` when the URL is accepted.
 */
export async function validateAgentUrl(raw: string, policy: UrlPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'url is not valid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `url scheme must be http or https, got "${url.protocol.slice(0, -1)}"`;
  }
  const host = hostOf(url);
  const check = (ip: IpBytes): string | null => {
    if (any(ip, ALWAYS_BLOCKED_AT_REGISTER)) return 'url targets a blocked address';
    if (!policy.saasMode && any(ip, PRIVATE)) return 'url targets a private address';
    return null;
  };
  const literal = parseIp(host);
  if (literal) return check(literal);
  if (host === 'localhost') return null;
  let ips: IpBytes[];
  try {
    ips = await resolveAll(policy, host);
  } catch {
    return `hostname "${host}" cannot be resolved`;
  }
  for (const ip of ips) {
    const err = check(ip);
    if (err) return `hostname "${host}" resolves to forbidden address`;
  }
  return null;
}

/**
 * Dispatch-time check (`H/ssrf.go: isSafeURL`). Loopback only in dev mode, RFC-1918 in SaaS or
 * dev mode, link-local/metadata and unspecified never. Returns an error text or `null`.
 */
export async function checkSafeUrl(raw: string, policy: UrlPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'invalid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `forbidden scheme: ${url.protocol.slice(0, -1)} (only http/https allowed)`;
  }
  const host = hostOf(url);
  if (host === '') return 'empty hostname';
  const check = (ip: IpBytes): string | null => {
    if (any(ip, UNSPECIFIED) || any(ip, METADATA_AND_RESERVED)) return 'forbidden IP';
    if (any(ip, LOOPBACK)) return policy.devMode ? null : 'forbidden loopback IP';
    if (any(ip, PRIVATE)) return policy.devMode || policy.saasMode ? null : 'forbidden private IP';
    return null;
  };
  const literal = parseIp(host);
  if (literal) return check(literal);
  let ips: IpBytes[];
  try {
    ips = await resolveAll(policy, host);
  } catch (e) {
    return `DNS resolution blocked for hostname: ${host} (${(e as Error).message})`;
  }
  for (const ip of ips) {
    const err = check(ip);
    if (err) return `hostname ${host} resolves to ${err}`;
  }
  return null;
}

/** A URL whose scheme is not http(s), e.g. the Python SDK's `remote://no-inbound`. */
export function isPlaceholderUrl(url: string): boolean {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url);
  return !!m && !['http', 'https'].includes(m[1]!.toLowerCase());
}
