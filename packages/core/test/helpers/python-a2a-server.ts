/**
 * A peer that answers like the Python SDK's `A2AServer`, written from its wire format: POST only,
 * exactly `/a2a/inbound` (query ignored) else 404 `{"error": "not found"}`; an empty body is 400
 * `{"error": "bad request: empty body"}`, bad JSON 400 `{"error": "bad request: <exc>"}`; the
 * handler gets the parsed body and its return value comes back as 200
 * `{"status": "ok", "result": <value>}`; a handler that raises is 500
 * `{"error": "internal error: <exc>"}`. Bodies are serialised like Python's `json.dumps` (", " and
 * ": " separators, non-ASCII escaped). Other methods get the standard library's 501 HTML page.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type PythonHandler = (body: unknown) => unknown;

export interface PythonA2AServer {
  /** `http://localhost:<port>/a2a/inbound`, what a Python agent registers. */
  url: string;
  port: number;
  /** The parsed bodies the handler received. */
  received: unknown[];
  close(): Promise<void>;
}

/** Python `json.dumps(value)` with its default separators and `ensure_ascii=True`. */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = pythonJsonDumps(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the server on 127.0.0.1 with `handler` (which may throw, like a Python handler raising). */
export async function startPythonA2AServer(handler: PythonHandler): Promise<PythonA2AServer> {
  const received: unknown[] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST') {
      const page =
        '<!DOCTYPE HTML>\n<html><body><h1>Error response</h1><p>Error code: 501</p></body></html>\n';
      res.writeHead(501, {
        'Content-Type': 'text/html;charset=utf-8',
        'Content-Length': String(page.length),
      });
      res.end(page);
      return;
    }
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/a2a/inbound') {
      send(res, 404, { error: 'not found' });
      return;
    }
    const body = await readBody(req);
    if (body.length === 0) {
      send(res, 400, { error: 'bad request: empty body' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch (error) {
      send(res, 400, { error: `bad request: ${(error as Error).message}` });
      return;
    }
    received.push(parsed);
    try {
      send(res, 200, { status: 'ok', result: await handler(parsed) });
    } catch (error) {
      send(res, 500, { error: `internal error: ${(error as Error).message}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/a2a/inbound`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
