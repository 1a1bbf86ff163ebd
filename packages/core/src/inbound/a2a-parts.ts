import { extractText } from '../schemas/a2a.js';

/** True for a non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text parts (`kind` or legacy `type` text) of a message's parts, joined with newlines. */
export function textOfParts(parts: readonly unknown[]): string {
  return extractText({ parts });
}

/** A string field, or `null` when absent, empty or not a string. */
export function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
