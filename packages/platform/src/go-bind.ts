/**
 * Request-body decoding with Go's rules, so the simulator rejects exactly what the server rejects.
 *
 * gin's `ShouldBindJSON` runs `json.NewDecoder(body).Decode(&v)`: only the first JSON value is
 * read (trailing bytes are ignored), keys match struct fields case-insensitively, a value of the
 * wrong type is an error, an `int` field refuses `1.5` or `1e2`, and `null` leaves a field at
 * its zero value. `binding:"required"` then rejects zero values ("" and 0). Handlers turn any of
 * these errors into their own fixed 400 message.
 */

/** A JSON number with its source text kept (needed to tell `1` from `1.0`). */
export class JsonNumber {
  /** @param raw the number exactly as written */
  constructor(readonly raw: string) {}
  /** The float64 value. */
  get value(): number {
    return Number(this.raw);
  }
}

/** A parsed JSON value that keeps number literals. */
export type LosslessJson =
  | null
  | boolean
  | string
  | JsonNumber
  | LosslessJson[]
  | { [k: string]: LosslessJson };

/** Thrown for anything Go's decoder or gin's validator would refuse. */
export class BindError extends Error {
  override name = 'BindError';
}

class Parser {
  pos: number;
  constructor(
    readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }
  ws(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }
  fail(what: string): never {
    throw new BindError(`invalid JSON at offset ${this.pos}: ${what}`);
  }
  value(depth: number): LosslessJson {
    if (depth > 10000) this.fail('exceeded max depth');
    this.ws();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('unexpected end of JSON input');
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    return this.number();
  }
  literal<T extends LosslessJson>(word: string, v: T): T {
    if (this.text.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    return this.fail('invalid literal');
  }
  number(): JsonNumber {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(
      this.text.slice(this.pos, this.pos + 512),
    );
    if (!m || m[0] === '' || m[0] === '-') this.fail('invalid character');
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }
  string(): string {
    const start = this.pos;
    this.pos++;
    while (true) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unexpected end of JSON input');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('invalid character in string literal');
      if (c === 0x5c) {
        const e = this.text[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6)))
            this.fail('invalid escape');
          this.pos += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail('invalid escape');
        this.pos += 2;
        continue;
      }
      this.pos++;
    }
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }
  array(depth: number): LosslessJson[] {
    this.pos++;
    const out: LosslessJson[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    while (true) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected , or ]');
    }
  }
  object(depth: number): { [k: string]: LosslessJson } {
    this.pos++;
    const out: { [k: string]: LosslessJson } = {};
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    while (true) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected string key');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') this.fail('expected :');
      const v = this.value(depth + 1);
      // Own data property even for "__proto__".
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected , or }');
    }
  }
}

const utf8 = new TextDecoder();

/** Decodes the whole text as exactly one JSON value (Go's `json.Unmarshal`). */
export function parseJsonStrict(text: string): LosslessJson {
  const p = new Parser(text, 0);
  const v = p.value(0);
  p.ws();
  if (p.pos !== text.length) p.fail('invalid character after top-level value');
  return v;
}

/** Decodes the first JSON value and ignores what follows (Go's `json.Decoder.Decode`). */
export function decodeFirstValue(body: Uint8Array | string): LosslessJson {
  const text = typeof body === 'string' ? body : utf8.decode(body);
  const p = new Parser(text, 0);
  p.ws();
  if (p.pos >= text.length) throw new BindError('EOF');
  return p.value(0);
}

/** Converts a lossless value to plain JS (numbers become float64, like `interface{}` in Go). */
export function toPlain(v: LosslessJson): unknown {
  if (v instanceof JsonNumber) return v.value;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: toPlain(val),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

/** A field of a Go struct being bound. */
export type FieldSpec =
  | { kind: 'string'; required?: boolean }
  | { kind: 'int'; required?: boolean }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'raw'; required?: boolean }
  | { kind: 'struct'; fields: StructSpec }
  | { kind: 'struct-array'; fields: StructSpec }
  | { kind: 'bool-map' };

/** A Go struct: JSON field name → spec. */
export type StructSpec = Record<string, FieldSpec>;

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function bindField(spec: FieldSpec, v: LosslessJson, path: string): unknown {
  if (v === null) return undefined; // null leaves the zero value
  switch (spec.kind) {
    case 'string':
      if (typeof v !== 'string') throw new BindError(`${path}: cannot unmarshal into string`);
      return v;
    case 'int': {
      if (!(v instanceof JsonNumber) || !/^-?[0-9]+$/.test(v.raw)) {
        throw new BindError(`${path}: cannot unmarshal into int`);
      }
      const n = BigInt(v.raw);
      if (n > INT64_MAX || n < INT64_MIN) throw new BindError(`${path}: value out of range`);
      return Number(n);
    }
    case 'float':
      if (!(v instanceof JsonNumber) || !Number.isFinite(v.value)) {
        throw new BindError(`${path}: cannot unmarshal into float64`);
      }
      return v.value;
    case 'bool':
      if (typeof v !== 'boolean') throw new BindError(`${path}: cannot unmarshal into bool`);
      return v;
    case 'raw':
      return v;
    case 'struct':
      return bindStruct(v, spec.fields, path);
    case 'struct-array':
      if (!Array.isArray(v)) throw new BindError(`${path}: cannot unmarshal into slice`);
      return v.map((item, i) => bindStruct(item, spec.fields, `${path}[${i}]`) ?? {});
    case 'bool-map': {
      if (typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber) {
        throw new BindError(`${path}: cannot unmarshal into map`);
      }
      const out: Record<string, boolean> = {};
      for (const [k, b] of Object.entries(v)) {
        if (b === null) continue;
        if (typeof b !== 'boolean') throw new BindError(`${path}.${k}: cannot unmarshal into bool`);
        out[k] = b;
      }
      return out;
    }
  }
}

/**
 * Binds a decoded value into a struct. Returns `undefined` for JSON `null` (zero struct).
 * Keys match fields exactly first, then case-insensitively, as in `encoding/json`.
 */
export function bindStruct(
  v: LosslessJson,
  fields: StructSpec,
  path = 'body',
): Record<string, unknown> | undefined {
  if (v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof JsonNumber) {
    throw new BindError(`${path}: cannot unmarshal into struct`);
  }
  const names = Object.keys(fields);
  const out: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(v)) {
    const name = names.find((n) => n === key) ?? names.find((n) => n.toLowerCase() === key.toLowerCase());
    if (name === undefined) continue;
    const bound = bindField(fields[name]!, val, `${path}.${name}`);
    if (bound !== undefined) out[name] = bound;
    else if (fields[name]!.kind === 'raw') out[name] = null; // RawMessage("null") is non-empty
  }
  return out;
}

/** gin's `binding:"required"`: zero values ("" / 0 / missing) fail. */
export function checkRequired(bound: Record<string, unknown> | undefined, fields: StructSpec): void {
  for (const [name, spec] of Object.entries(fields)) {
    if (!('required' in spec) || !spec.required) continue;
    const v = bound?.[name];
    if (v === undefined || v === '' || v === 0) throw new BindError(`${name} is required`);
  }
}

/** {@link shouldBindJson}, with `null` for anything Go would refuse (handlers answer 400). */
export function bindOrNull(body: Uint8Array, fields: StructSpec): Record<string, unknown> | null {
  try {
    return shouldBindJson(body, fields);
  } catch (e) {
    if (e instanceof BindError) return null;
    throw e;
  }
}

/** `c.ShouldBindJSON(&payload)`: decode the first value, bind it, check `required`. */
export function shouldBindJson(body: Uint8Array, fields: StructSpec): Record<string, unknown> {
  const bound = bindStruct(decodeFirstValue(body), fields);
  checkRequired(bound, fields);
  return bound ?? {};
}
