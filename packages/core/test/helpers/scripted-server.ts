/**
 * A real HTTP server on 127.0.0.1 whose answers each test scripts, one per request, so retry,
 * timeout, header and error behaviour is observed on the wire (no mocked fetch).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without query, as sent (still percent-encoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or `undefined`. */
  json: unknown;
}

/** How to answer one request. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body (serialised, Content-Type application/json). */
  json?: unknown;
  /** Raw text body. */
  text?: string;
  /** Wait this long before sending headers. */
  delayMs?: number;
  /** Send headers and the first body chunk, then never finish. */
  stallBody?: boolean;
  /** Send the body in two halves this far apart. */
  bodyGapMs?: number;
  /** Close the socket without answering. */
  destroy?: boolean;
}

export type Responder = (request: RecordedRequest) => Answer | Promise<Answer>;

export interface ScriptedServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Answers for the next requests, in order; once used up, `fallback` answers. */
  script(...answers: (Answer | Responder)[]): void;
  fallback: Responder;
  close(): Promise<void>;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function send(res: ServerResponse, answer: Answer): Promise<void> {
  if (answer.delayMs) await sleep(answer.delayMs);
  if (answer.destroy) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = { ...answer.headers };
  let payload = '';
  if (answer.json !== undefined) {
    payload = JSON.stringify(answer.json);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (answer.text !== undefined) {
    payload = answer.text;
  }
  if (answer.stallBody) {
    res.writeHead(answer.status ?? 200, headers);
    res.write(payload.slice(0, Math.max(1, Math.floor(payload.length / 2))));
    return; // never ends; the client must time out
  }
  if (answer.bodyGapMs) {
    res.writeHead(answer.status ?? 200, headers);
    const half = Math.floor(payload.length / 2);
    res.write(payload.slice(0, half));
    await sleep(answer.bodyGapMs);
    res.end(payload.slice(half));
    return;
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(answer.status ?? 200, headers);
  res.end(payload);
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const queue: (Answer | Responder)[] = [];
  const sockets = new Set<Socket>();
  const state: ScriptedServer = {
    url: '',
    port: 0,
    requests: [],
    script: (...answers) => queue.push(...answers),
    fallback: () => ({ status: 599, json: { error: 'no scripted answer' } }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json: parseJson(body),
    };
    state.requests.push(recorded);
    const next = queue.shift() ?? state.fallback;
    const answer = typeof next === 'function' ? await next(recorded) : next;
    await send(res, answer);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  return state;
}

/** A loopback port with nothing listening (connection refused). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
