/**
 * `normaliseA2APayload`: the body must be a JSON object; one without `jsonrpc` is rewritten to
 * `{"jsonrpc":"2.0","id":<uuid>,"method":…,"params":…}` (other keys dropped); a
 * `params.message` without `messageId` gets one. Re-marshalled by Go: sorted keys, `<>&` escaped.
 */
import { JsonNumber, type LosslessJson, parseJsonStrict, toPlain } from '../go-bind.js';
import { goJson } from '../go-json.js';

/** A normalised request, ready to push. */
export interface NormalisedA2A {
  /** The exact bytes pushed to the agent. */
  text: string;
  /** The parsed payload (for activity rows). */
  payload: Record<string, unknown>;
  /** `method` when it is a string, else "". */
  method: string;
}

/** Normalises a proxied body; `null` means 400 `invalid JSON`. */
export function normaliseA2A(text: string, newId: () => string): NormalisedA2A | null {
  let parsed: LosslessJson;
  try {
    parsed = parseJsonStrict(text);
  } catch {
    return null;
  }
  // json.Unmarshal into a map accepts `null` (a nil map) and refuses any non-object.
  if (
    parsed !== null &&
    (typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof JsonNumber)
  ) {
    return null;
  }
  let payload = (parsed === null ? {} : toPlain(parsed)) as Record<string, unknown>;
  if (!Object.hasOwn(payload, 'jsonrpc')) {
    payload = { jsonrpc: '2.0', id: newId(), method: payload.method ?? null, params: payload.params ?? null };
  }
  const params = payload.params;
  if (params && typeof params === 'object' && !Array.isArray(params)) {
    const message = (params as Record<string, unknown>).message;
    if (
      message &&
      typeof message === 'object' &&
      !Array.isArray(message) &&
      !Object.hasOwn(message, 'messageId')
    ) {
      (message as Record<string, unknown>).messageId = newId();
    }
  }
  return {
    text: goJson(payload),
    payload,
    method: typeof payload.method === 'string' ? payload.method : '',
  };
}
