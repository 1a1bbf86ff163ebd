/**
 * Workspace, token, activity and queue ids: lowercase UUIDs, as Postgres returns them.
 */
import type { RandomSource } from './random.js';

const HEX = '0123456789abcdef';

/** Formats 16 bytes as a version-4 UUID string. */
export function uuidFromBytes(bytes: Uint8Array): string {
  const b = bytes.slice(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[i]! >> 4]! + HEX[b[i]! & 15]!;
  }
  return s;
}

/** A new v4 UUID from the given randomness. */
export function newUuid(random: RandomSource): string {
  return uuidFromBytes(random.bytes(16));
}

/** The strict form the secrets handler checks (`^[0-9a-f]{8}-…$`, lowercase only). */
export const LOWER_UUID: RegExp = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What a Postgres `uuid` cast accepts, canonicalised to lowercase with hyphens; `null` when the
 * cast would fail (the real server then answers with a 500 from the failed query).
 * Accepted: any case, optional braces, hyphens after any group of four hex digits.
 */
export function canonicalUuid(value: string): string | null {
  let s = value;
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) return null;
    s = s.slice(1, -1);
  }
  if (!/^([0-9a-fA-F]{4}-?){7}[0-9a-fA-F]{4}$/.test(s)) return null;
  const hex = s.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What Go's `uuid.Parse` (google/uuid) accepts: 36-char form, `urn:uuid:` prefix, braces, 32 hex. */
export function goUuidParses(value: string): boolean {
  let s = value;
  if (s.length === 45 && s.toLowerCase().startsWith('urn:uuid:')) s = s.slice(9);
  else if (s.length === 38 && s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.length === 32) return /^[0-9a-fA-F]{32}$/.test(s);
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s);
}
