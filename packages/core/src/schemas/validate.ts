import * as v from 'valibot';
import { InvalidResponseError } from '../errors.js';

/** A schema that accepts anything and yields `T`; what every exported schema is typed as. */
export type Schema<T> = v.GenericSchema<unknown, T>;

/** What a received value was, in words: `an array`, `the string "x"`, `the number 5`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  Object: 'an object',
  Array: 'an array',
  null: 'null',
  undefined: 'nothing',
  unknown: 'a value of another shape',
};

/** valibot's `Expected string | null` in words: `a string or null`. */
function expectedInWords(expected: string): string {
  return expected
    .replace(/^\((.*)\)$/, '$1')
    .split(' | ')
    .map((part) => TYPE_WORDS[part] ?? part)
    .join(' or ');
}

/** The issues a union's closest option reported (the one that got deepest into the value). */
function closestOption(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown>[] | undefined {
  const nested = issue.issues;
  if (!nested || nested.length === 0) return undefined;
  let best = nested[0]!;
  for (const candidate of nested)
    if ((candidate.path?.length ?? 0) > (best.path?.length ?? 0)) best = candidate;
  return (best.path?.length ?? 0) > (issue.path?.length ?? 0) ? [best] : undefined;
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  // The SDK's schemas are objects and arrays only, so every path key is a field name or an index.
  const path = issue.path?.map((item) => item.key).join('.');
  const where = path ? `field "${path}"` : 'the body';
  // A custom message (v.check, v.custom, a schema's own words) is already written for people.
  if (issue.message.startsWith('should ')) return `${where} ${issue.message}`;
  if (!issue.message.startsWith('Invalid ')) return path ? `${where}: ${issue.message}` : issue.message;
  if (issue.kind === 'schema') {
    if (issue.input === undefined && path) return `${where} is missing`;
    // A custom schema's message carries the expected type ("Invalid type: Expected Object").
    const fromMessage = /Expected (.+?)(?: but received .*)?$/.exec(issue.message)?.[1];
    const expected = issue.expected && issue.expected !== 'unknown' ? issue.expected : fromMessage;
    if (expected === undefined || expected === 'unknown') {
      return `${where} has an unexpected shape (${describeValue(issue.input)})`;
    }
    return `${where} should be ${expectedInWords(expected)}, not ${describeValue(issue.input)}`;
  }
  return `${where}: ${issue.message.replace(/^Invalid \w+: /, '').replace(/^Expected /, 'expected ')}`;
}

/**
 * Turns valibot issues into short lines a user can act on, naming the field and the expected
 * shape: `field "parts.0.text" should be a string, not number 5`. For a union the closest
 * option's issue is reported (valibot alone says "Expected unknown but received Object").
 */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  const out: string[] = [];
  for (const issue of issues.slice(0, 10)) {
    const closest = issue.type === 'union' ? closestOption(issue) : undefined;
    for (const inner of closest ?? [issue]) out.push(describeIssue(inner));
  }
  return out;
}

/** Parses `value` or throws InvalidResponseError naming `source` (e.g. `GET /workspaces/:id/state`) and the issues. */
export function parseOrThrow<T>(schema: Schema<T>, value: unknown, source: string): T {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issues = formatIssues(result.issues);
  throw new InvalidResponseError(`${source} returned an unexpected shape (${issues[0] ?? 'invalid'})`, {
    source,
    issues,
  });
}

/** Parses `value`, returning `undefined` instead of throwing (list rows, optional shapes). */
export function parseOrUndefined<T>(schema: Schema<T>, value: unknown): T | undefined {
  const result = v.safeParse(schema, value);
  return result.success ? result.output : undefined;
}

/** Like {@link parseOrUndefined} but also returns the issues, for a debug log of a dropped row. */
export function tryParse<T>(
  schema: Schema<T>,
  value: unknown,
): { ok: true; value: T } | { ok: false; issues: string[] } {
  const result = v.safeParse(schema, value);
  return result.success
    ? { ok: true, value: result.output }
    : { ok: false, issues: formatIssues(result.issues) };
}
