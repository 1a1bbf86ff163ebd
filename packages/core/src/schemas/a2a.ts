/**
 * A2A v0.3 shapes, as the Molecule platform relays them: `message/send` JSON-RPC requests and
 * responses, Messages, Tasks and parts. Older senders (the platform's `/delegate`, the MCP bridge)
 * write text parts as `{type: "text"}`; those are accepted and normalised to `{kind: "text"}`.
 */
import * as v from 'valibot';
import { InvalidResponseError } from '../errors.js';
import { anyJsonObject, isJsonObject, jsonObject } from './json-object.js';
import { describeValue, parseOrThrow, type Schema } from './validate.js';

export type A2ARole = 'user' | 'agent';
/** Free-form JSON metadata carried by an A2A message or part. */
export type A2AMetadata = Record<string, unknown>;

export interface A2ATextPart {
  kind: 'text';
  text: string;
  metadata?: A2AMetadata | undefined;
}
export interface A2AFile {
  uri?: string | undefined;
  bytes?: string | undefined;
  name?: string | undefined;
  mimeType?: string | undefined;
}
export interface A2AFilePart {
  kind: 'file';
  file: A2AFile;
  metadata?: A2AMetadata | undefined;
}
export interface A2ADataPart {
  kind: 'data';
  data: A2AMetadata;
  metadata?: A2AMetadata | undefined;
}
export type A2APart = A2ATextPart | A2AFilePart | A2ADataPart;

export interface A2AMessage {
  kind: 'message';
  role: A2ARole;
  parts: A2APart[];
  messageId: string;
  contextId?: string | undefined;
  taskId?: string | undefined;
  referenceTaskIds?: string[] | undefined;
  metadata?: A2AMetadata | undefined;
  [key: string]: unknown;
}

export interface A2AArtifact {
  artifactId?: string | undefined;
  name?: string | undefined;
  parts: A2APart[];
  [key: string]: unknown;
}

export interface A2ATask {
  kind: 'task';
  id: string;
  contextId?: string | undefined;
  status: {
    state: string;
    message?: A2AMessage | undefined;
    timestamp?: string | undefined;
    [key: string]: unknown;
  };
  artifacts?: A2AArtifact[] | undefined;
  history?: A2AMessage[] | undefined;
  metadata?: A2AMetadata | undefined;
  [key: string]: unknown;
}

export type JsonRpcId = string | number | null;

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}
export interface JsonRpcSuccess {
  jsonrpc: '2.0';
  id: JsonRpcId;
  result: unknown;
  [key: string]: unknown;
}
export interface JsonRpcFailure {
  jsonrpc: '2.0';
  id: JsonRpcId;
  error: JsonRpcErrorObject;
  [key: string]: unknown;
}
export type JsonRpcResponse = JsonRpcSuccess | JsonRpcFailure;

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: JsonRpcId | undefined;
  method: string;
  params?: unknown;
  [key: string]: unknown;
}

export interface MessageSendParams {
  message: A2AMessage;
  configuration?: A2AMetadata | undefined;
  metadata?: A2AMetadata | undefined;
  [key: string]: unknown;
}

/** A `message/send` request whose params were validated. */
export interface MessageSendRequest extends JsonRpcRequest {
  method: 'message/send';
  params: MessageSendParams;
}

const metadata = v.optional(anyJsonObject);

const textPart = jsonObject({ kind: v.literal('text'), text: v.string(), metadata });
const legacyTextPart = v.pipe(
  jsonObject({ type: v.literal('text'), text: v.string(), metadata }),
  v.transform((part): A2ATextPart => ({ kind: 'text', text: part.text, metadata: part.metadata })),
);
const filePart = jsonObject({
  kind: v.literal('file'),
  file: v.pipe(
    jsonObject({
      uri: v.optional(v.string()),
      bytes: v.optional(v.string()),
      name: v.optional(v.string()),
      mimeType: v.optional(v.string()),
    }),
    v.check((file) => file.uri !== undefined || file.bytes !== undefined, 'a file part needs uri or bytes'),
  ),
  metadata,
});
const dataPart = jsonObject({ kind: v.literal('data'), data: anyJsonObject, metadata });

/** One part: text (`kind` or legacy `type`), file or data. */
export const a2aPartSchema: Schema<A2APart> = v.union(
  [textPart, legacyTextPart, filePart, dataPart],
  'should be a text, file or data part, e.g. {"kind": "text", "text": "hello"}',
);

/** A Message; `kind` may be missing (the Python SDK omits it) and is filled in. */
export const a2aMessageSchema: Schema<A2AMessage> = v.pipe(
  jsonObject({
    kind: v.optional(v.literal('message')),
    role: v.union([v.literal('user'), v.literal('agent')]),
    parts: v.array(a2aPartSchema),
    messageId: v.pipe(
      v.string(),
      v.check((id) => id !== '', 'should not be empty'),
    ),
    contextId: v.optional(v.string()),
    taskId: v.optional(v.string()),
    referenceTaskIds: v.optional(v.array(v.string())),
    metadata,
  }),
  v.transform((message): A2AMessage => ({ ...message, kind: 'message' })),
);

/** A Task with optional artifacts and history. */
export const a2aTaskSchema: Schema<A2ATask> = jsonObject({
  kind: v.literal('task'),
  id: v.string(),
  contextId: v.optional(v.string()),
  status: jsonObject({
    state: v.string(),
    message: v.optional(a2aMessageSchema),
    timestamp: v.optional(v.string()),
  }),
  artifacts: v.optional(
    v.array(
      jsonObject({
        artifactId: v.optional(v.string()),
        name: v.optional(v.string()),
        parts: v.array(a2aPartSchema),
      }),
    ),
  ),
  history: v.optional(v.array(a2aMessageSchema)),
  metadata,
});

/** A JSON-RPC id: a string, a number or null. */
const idValue = v.union([v.string(), v.number()]);
/** A JSON-RPC request id: a string, a number, null or missing. */
export const jsonRpcIdSchema: Schema<JsonRpcId | undefined> = v.nullish(idValue);
/** The `id` of a response, `null` when missing. */
const responseId = v.nullish(idValue, null);

/** A JSON-RPC error object. */
export const jsonRpcErrorSchema: Schema<JsonRpcErrorObject> = jsonObject({
  code: v.pipe(
    v.number(),
    v.check((code: number) => Number.isInteger(code), 'should be an integer'),
  ),
  message: v.string(),
  data: v.optional(v.unknown()),
});

const jsonRpcFailureSchema = jsonObject({
  jsonrpc: v.literal('2.0'),
  id: responseId,
  error: jsonRpcErrorSchema,
});
// `result` has no optional wrapper, so it must be present (valibot reports it missing otherwise).
const jsonRpcSuccessSchema = jsonObject({ jsonrpc: v.literal('2.0'), id: responseId, result: v.unknown() });

/** A JSON-RPC 2.0 response: exactly one of `result` or `error`. */
export const jsonRpcResponseSchema: Schema<JsonRpcResponse> = /* @__PURE__ */ v.union([
  jsonRpcFailureSchema,
  jsonRpcSuccessSchema,
]);

/** What a `message/send` result turned out to be. */
export type A2AResult =
  | { kind: 'message'; message: A2AMessage }
  | { kind: 'task'; task: A2ATask }
  | { kind: 'other'; value: unknown };

/** Classifies a `result`: a Message, a Task, or something else (kept as is). Never throws. */
export function parseA2AResult(result: unknown): A2AResult {
  const kind = (result as { kind?: unknown } | null)?.kind;
  if (kind === 'task') {
    const task = v.safeParse(a2aTaskSchema, result);
    if (task.success) return { kind: 'task', task: task.output };
  } else {
    const message = v.safeParse(a2aMessageSchema, result);
    if (message.success) return { kind: 'message', message: message.output };
  }
  return { kind: 'other', value: result };
}

/** True for a JSON-RPC response that carries an `error` object. */
export function isJsonRpcFailure(response: JsonRpcResponse): response is JsonRpcFailure {
  return (
    typeof (response as { error?: unknown }).error === 'object' &&
    (response as { error?: unknown }).error !== null
  );
}

const JSON_RPC_SHAPE =
  'a JSON-RPC 2.0 response: {"jsonrpc": "2.0", "id", "result" or "error": {"code", "message"}}';

/**
 * Parses a JSON-RPC response or throws InvalidResponseError naming `source`, the field at fault
 * and the shape expected (never valibot's bare "Expected unknown").
 */
export function parseJsonRpcResponse(value: unknown, source: string): JsonRpcResponse {
  const body = isJsonObject(value) ? value : {};
  if (!('result' in body) && !('error' in body)) {
    const issue = isJsonObject(value)
      ? `the body has neither "result" nor "error" (its fields: ${Object.keys(body).slice(0, 5).join(', ') || 'none'})`
      : `the body should be an object, not ${describeValue(value)}`;
    throw new InvalidResponseError(
      `${source} returned an unexpected shape (${issue}); expected ${JSON_RPC_SHAPE}`,
      {
        source,
        issues: [issue],
      },
    );
  }
  const schema: Schema<JsonRpcResponse> = body.error != null ? jsonRpcFailureSchema : jsonRpcSuccessSchema;
  return parseOrThrow(schema, body, source);
}

/**
 * The texts of the text parts: `kind: "text"`, or the legacy `type: "text"` without a kind. With
 * `handMade` (parts a Python handler built by hand), also `type: "text"` whatever the kind, and parts
 * with neither.
 */
export function textsOf(parts: unknown, handMade = false): string[] {
  if (!Array.isArray(parts)) return [];
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    const { kind, type, text } = part as { kind?: unknown; type?: unknown; text?: unknown };
    const isText =
      kind === 'text' ||
      ((handMade || kind === undefined) && type === 'text') ||
      (handMade && kind === undefined && type === undefined);
    if (isText && typeof text === 'string') out.push(text);
  }
  return out;
}

/**
 * The text of a `message/send` result, a Message or a Task, leniently: text parts (`kind` or
 * legacy `type`) of the result itself, else of the task's artifacts, else of its status message,
 * joined by newlines. `""` when there is none.
 */
export function extractText(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  const r = result as { parts?: unknown; artifacts?: unknown; status?: { message?: { parts?: unknown } } };
  let texts = textsOf(r.parts);
  if (texts.length === 0 && Array.isArray(r.artifacts)) {
    texts = r.artifacts.flatMap((artifact: unknown) =>
      textsOf((artifact as { parts?: unknown } | null)?.parts),
    );
  }
  if (texts.length === 0) texts = textsOf(r.status?.message?.parts);
  return texts.join('\n');
}
