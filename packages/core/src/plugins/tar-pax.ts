import { UnsafeArchiveError } from '../errors.js';
import { decodePath } from './tar-header.js';

/**
 * Parses the data of a PAX extended header (`x` or `g`): records of the form
 * `"<length> <key>=<value>\n"` where `<length>` counts the bytes of the whole record, digits and
 * newline included. Values are taken by length, so spaces, `=` and newlines inside a value are
 * kept (nanotar cut values at the first space). Keys and values must be UTF-8. Trailing NUL padding
 * is tolerated. A later record with the same key wins.
 */
export function parsePaxRecords(data: Uint8Array): Record<string, string> {
  if (isAscii(data)) return parseAsciiPaxRecords(data);
  const records: Record<string, string> = {};
  let position = 0;
  while (position < data.length) {
    if (data[position] === 0 && data.subarray(position).every((byte) => byte === 0)) break;
    const space = data.indexOf(0x20, position);
    if (space < 0 || space === position || space - position > 20) throw bad('PAX record has no length');
    let length = 0;
    for (let i = position; i < space; i++) {
      const digit = data[i]! - 0x30;
      if (digit < 0 || digit > 9) throw bad('PAX record length is not a number');
      length = length * 10 + digit;
    }
    const end = position + length;
    if (end > data.length || end <= space + 1 || data[end - 1] !== 0x0a) {
      throw bad('PAX record length does not match its content');
    }
    const record = data.subarray(space + 1, end - 1);
    const equals = record.indexOf(0x3d);
    if (equals <= 0) throw bad('PAX record has no key');
    const key = decodePath(record.subarray(0, equals), 'PAX key');
    records[key] = decodePath(record.subarray(equals + 1), `PAX ${key}`);
    position = end;
  }
  return records;
}

function isAscii(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) if (data[i]! > 0x7f) return false;
  return true;
}

const latin1 = new TextDecoder('latin1');

/**
 * The same rules for the common all-ASCII header, decoded once: a character is a byte, so
 * lengths can be applied to the string directly (about ten times faster than decoding each key
 * and value on its own, which matters for a header of thousands of records).
 */
function parseAsciiPaxRecords(data: Uint8Array): Record<string, string> {
  const text = latin1.decode(data);
  const records: Record<string, string> = {};
  let position = 0;
  while (position < text.length) {
    if (text.charCodeAt(position) === 0 && /^\0*$/.test(text.slice(position))) break;
    const space = text.indexOf(' ', position);
    if (space < 0 || space === position || space - position > 20) throw bad('PAX record has no length');
    let length = 0;
    for (let i = position; i < space; i++) {
      const digit = text.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) throw bad('PAX record length is not a number');
      length = length * 10 + digit;
    }
    const end = position + length;
    if (end > text.length || end <= space + 1 || text.charCodeAt(end - 1) !== 0x0a) {
      throw bad('PAX record length does not match its content');
    }
    const equals = text.indexOf('=', space + 1);
    if (equals <= space + 1 || equals >= end) throw bad('PAX record has no key');
    records[text.slice(space + 1, equals)] = text.slice(equals + 1, end - 1);
    position = end;
  }
  return records;
}

function bad(message: string): UnsafeArchiveError {
  return new UnsafeArchiveError(message, { rule: 'malformed-header' });
}

/**
 * Reads a PAX decimal field (`size`, `uid`, `gid`): digits only. `mtime` may carry a fraction and
 * a sign and is read with {@link parsePaxTime}.
 */
export function parsePaxInteger(value: string, key: string): number {
  if (!/^[0-9]{1,16}$/.test(value)) throw bad(`PAX ${key} is not a decimal number`);
  const number = Number(value);
  if (number > Number.MAX_SAFE_INTEGER) throw bad(`PAX ${key} is too large`);
  return number;
}

/** Reads a PAX time value: decimal seconds with an optional sign and fraction. */
export function parsePaxTime(value: string): number {
  if (!/^-?[0-9]{1,20}(\.[0-9]*)?$/.test(value)) throw bad('PAX mtime is not a decimal number');
  return Number(value);
}
