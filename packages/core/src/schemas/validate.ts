import * as v from 'valibot';
import { InvalidResponseError } from '../errors.js';

/** A schema that accepts anything and yields `T`; what every exported schema is typed as. */
export type Schema<T> = v.GenericSchema<unknown, T>;

/** Turns valibot issues into short lines such as `parts.0.text: Invalid type: Expected string`. */
export function formatIssues(issues: readonly v.BaseIssue<unknown>[]): string[] {
  return issues.slice(0, 10).map((issue) => {
    const path = v.getDotPath(issue);
    return path ? `${path}: ${issue.message}` : issue.message;
  });
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
