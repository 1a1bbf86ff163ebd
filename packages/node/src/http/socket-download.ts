import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  MAX_TIMER_DELAY_MS,
  type ResponseHeaders,
  type TransportRequest,
  type TransportResponse,
} from '@molecule-ai/agent-core/ports';
import { contentCodings, decodeStream } from './content-coding.js';

/** Size of the one buffer every socket read of a download lands in. */
const READ_BUFFER_BYTES = 64 * 1024;
/** Largest response head (status line and headers) accepted, as undici's default. */
const MAX_HEAD_BYTES = 16 * 1024;
/** Longest chunk-size line (hex digits plus extensions) of a chunked body accepted. */
const MAX_CHUNK_LINE_BYTES = 1024;
/** Most bytes of trailer fields after a chunked body accepted. */
const MAX_TRAILER_BYTES = 16 * 1024;

/** Header names and values must not be able to start a new line or end the head. */
const UNSAFE_HEADER_TEXT = /[\r\n\0]/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** An error with a `code`, as the socket's own errors carry (the client reads codes). */
function httpError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The response headers, lower-case names, repeated ones joined with `", "`. */
class ParsedHeaders implements ResponseHeaders {
  readonly values = new Map<string, string>();
  get(name: string): string | null {
    return this.values.get(name.toLowerCase()) ?? null;
  }
}

/** How the end of the body is found. */
type Framing =
  | { kind: 'none' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunked' }
  | { kind: 'close' };

type ChunkState = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

function parseHead(text: string): { status: number; headers: ParsedHeaders } {
  const lines = text.split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!statusLine) throw httpError('malformed HTTP status line', 'ERR_MALFORMED_RESPONSE');
  const headers = new ParsedHeaders();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon <= 0 || !TOKEN.test(name))
      throw httpError('malformed HTTP header line', 'ERR_MALFORMED_RESPONSE');
    const value = line.slice(colon + 1).trim();
    const before = headers.values.get(name);
    headers.values.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { status: Number(statusLine[1]), headers };
}

function framingOf(method: string, status: number, headers: ParsedHeaders): Framing {
  if (method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
  const transferEncoding = headers.get('transfer-encoding');
  if (transferEncoding !== null) {
    // Transfer-Encoding wins over Content-Length; a body not ending in chunked runs to the close.
    const codings = transferEncoding.split(',').map((coding) => coding.trim().toLowerCase());
    return codings[codings.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  }
  const contentLength = headers.get('content-length');
  if (contentLength === null) return { kind: 'close' };
  const values = new Set(contentLength.split(',').map((value) => value.trim()));
  const [value] = values;
  if (values.size !== 1 || value === undefined || !/^\d{1,15}$/.test(value)) {
    throw httpError('invalid Content-Length in the response', 'ERR_MALFORMED_RESPONSE');
  }
  const remaining = Number(value);
  return remaining === 0 ? { kind: 'none' } : { kind: 'length', remaining };
}

/**
 * Sends one request on a connection of its own and answers at the headers with the body as a byte
 * stream (`type: 'bytes'`), reading the socket into ONE reused buffer (the socket's `onread`
 * option). An HTTP client's socket allocates a fresh buffer for every read, which stays garbage
 * until the next GC: a 20 MiB download left 20 to 35 MiB of it at its peak, growing with the size.
 * Here a BYOB reader's own buffer gets the bytes (one copy, nothing allocated); a default reader
 * gets a fresh 64 KiB chunk per read, as from any stream.
 *
 * HTTP/1.1 with `Connection: close`, over TCP or TLS (certificates verified as by default).
 * Nothing is decided here: headers are sent as given (no redirect is followed: a 3xx is answered as
 * it is), `timeoutMs` covers the wait for the headers, the caller's signal the whole life. Bodies
 * framed by Content-Length, chunked transfer coding or the close; a body that ends before its
 * framing says it is complete errors the stream (`ERR_TRUNCATED_RESPONSE`). Content codings are
 * undone as by the pooled transport.
 */
export function sendOnOwnSocket(request: TransportRequest): Promise<TransportResponse> {
  return new Promise<TransportResponse>((resolve, reject) => {
    const signal = request.signal;
    if (signal?.aborted) {
      const reason = signal.reason;
      reject(reason instanceof Error ? reason : new Error('aborted', { cause: reason }));
      return;
    }
    const url = new URL(request.url);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(httpError(`unsupported protocol ${url.protocol}`, 'ERR_INVALID_URL'));
      return;
    }
    let head = `${request.method} ${url.pathname}${url.search} HTTP/1.1\r\n`;
    const given = new Set<string>();
    for (const [name, value] of Object.entries(request.headers)) {
      if (!TOKEN.test(name) || UNSAFE_HEADER_TEXT.test(value)) {
        reject(new TypeError(`invalid request header ${JSON.stringify(name)}`));
        return;
      }
      given.add(name.toLowerCase());
      head += `${name}: ${value}\r\n`;
    }
    if (!given.has('host')) head += `host: ${url.host}\r\n`;
    head += 'connection: close\r\n';
    if (request.body !== undefined) head += `content-length: ${request.body.byteLength}\r\n`;
    head += '\r\n';

    const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
    /** Unread bytes of the last socket read: `buffer[offset, end)`. The socket is paused while any remain. */
    let offset = 0;
    let end = 0;
    let headBytes: Buffer[] = [];
    let headSize = 0;
    let phase: 'head' | 'body' | 'done' = 'head';
    let framing: Framing = { kind: 'none' };
    let chunkState: ChunkState = 'size';
    let chunkRemaining = 0;
    let lineBytes = '';
    let trailerBytes = 0;
    let ended = false;
    let failure: Error | undefined;
    /** A body pull waiting for bytes. */
    let waiting: (() => void) | undefined;
    let controller: ReadableByteStreamController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** Lets a body pull waiting for bytes look again. */
    const wakePuller = (): void => {
      const wake = waiting;
      waiting = undefined;
      wake?.();
    };

    const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const port = Number(url.port || (secure ? 443 : 80));
    const onread = {
      buffer,
      callback: (bytes: number): boolean => {
        offset = 0;
        end = bytes;
        if (phase === 'head') {
          readHead();
          if (phase === 'head') return true; // all bytes went into the head
        }
        if (phase !== 'body') return true;
        // The body's bytes are in `buffer` until a pull has taken them: no read until then.
        wakePuller();
        return offset >= end;
      },
    };
    const socket: Socket = secure
      ? connectTls({
          host: hostname,
          port,
          servername: isIP(hostname) ? undefined : hostname,
          ALPNProtocols: ['http/1.1'],
          // tls.connect takes `onread` like net.connect (Node 13+); the type definitions lack it.
          ...({ onread } as object),
        })
      : connectTcp({ host: hostname, port, onread });

    const stopWatching = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error: Error): void => {
      if (phase === 'done') return;
      const before = phase;
      phase = 'done';
      failure = error;
      stopWatching();
      socket.destroy();
      if (before === 'head') reject(error);
      else {
        controller?.error(error);
        wakePuller();
      }
    };
    function onAbort(): void {
      const reason = signal?.reason;
      fail(reason instanceof Error ? reason : new Error('aborted', { cause: reason }));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(
      () => fail(new DOMException('The attempt timed out', 'TimeoutError')),
      Math.min(Math.max(0, request.timeoutMs), MAX_TIMER_DELAY_MS),
    );
    timer.unref();

    // The server's end of the stream and the socket's close mean the same here: no more bytes.
    const onNoMoreBytes = (): void => {
      ended = true;
      if (phase === 'head')
        fail(httpError('the connection closed before the response headers', 'ECONNRESET'));
      wakePuller();
    };
    socket.on('error', (error) => fail(error));
    socket.on('end', onNoMoreBytes);
    socket.on('close', onNoMoreBytes);
    socket.write(head);
    if (request.body !== undefined) socket.write(request.body);

    function readHead(): void {
      const chunk = buffer.subarray(offset, end);
      const previous = headBytes.length > 0 ? headBytes[headBytes.length - 1]! : null;
      // The blank line may straddle two reads: search from up to 3 bytes before this read.
      const carry = previous ? previous.subarray(Math.max(0, previous.length - 3)) : Buffer.alloc(0);
      const window = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const blank = window.indexOf('\r\n\r\n');
      const taken = blank < 0 ? chunk.length : blank + 4 - carry.length;
      if (headSize + taken > MAX_HEAD_BYTES) {
        fail(httpError('the response headers are too large', 'ERR_HEADERS_TOO_LARGE'));
        return;
      }
      headBytes.push(Buffer.from(chunk.subarray(0, taken)));
      headSize += taken;
      offset += taken;
      if (blank < 0) return;
      const text = Buffer.concat(headBytes, headSize).toString('latin1');
      headBytes = [];
      headSize = 0;
      let parsed: { status: number; headers: ParsedHeaders };
      try {
        parsed = parseHead(text.slice(0, -4));
        if (parsed.status < 200) {
          // 1xx: an interim answer; the real one follows.
          if (offset < end) readHead();
          return;
        }
        framing = framingOf(request.method, parsed.status, parsed.headers);
      } catch (error) {
        fail(error as Error);
        return;
      }
      phase = 'body';
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const source: UnderlyingByteSource = {
        type: 'bytes',
        autoAllocateChunkSize: READ_BUFFER_BYTES,
        start: (byteController) => {
          controller = byteController;
        },
        pull: (byteController) => pull(byteController),
        cancel: () => {
          if (phase !== 'done') {
            phase = 'done';
            stopWatching();
            socket.destroy();
          }
        },
      };
      const body: ReadableStream<Uint8Array> = new ReadableStream(source);
      const codings = contentCodings(parsed.headers.get('content-encoding'));
      resolve({
        status: parsed.status,
        headers: parsed.headers,
        text: null,
        body:
          framing.kind === 'none' ? emptyBody(body) : codings === null ? body : decodeStream(body, codings),
      });
    }

    /** Copies up to `view.length` body bytes from the read buffer into `view`, undoing the chunked framing. */
    function take(view: Uint8Array): number {
      let written = 0;
      while (offset < end && written < view.length && phase === 'body') {
        if (framing.kind === 'length' || framing.kind === 'close') {
          const limit = framing.kind === 'length' ? framing.remaining : Number.POSITIVE_INFINITY;
          const n = Math.min(end - offset, view.length - written, limit);
          view.set(buffer.subarray(offset, offset + n), written);
          offset += n;
          written += n;
          if (framing.kind === 'length') framing.remaining -= n;
          if (framing.kind === 'length' && framing.remaining === 0) finishBody();
          continue;
        }
        if (framing.kind !== 'chunked') break;
        if (chunkState === 'data') {
          const n = Math.min(end - offset, view.length - written, chunkRemaining);
          view.set(buffer.subarray(offset, offset + n), written);
          offset += n;
          written += n;
          chunkRemaining -= n;
          if (chunkRemaining === 0) chunkState = 'data-end';
          continue;
        }
        // Framing lines, a byte at a time: they are a few bytes per chunk.
        const byte = buffer[offset++]!;
        if (byte !== 0x0a) {
          lineBytes += String.fromCharCode(byte);
          if (chunkState === 'trailer') trailerBytes += 1;
          if (lineBytes.length > MAX_CHUNK_LINE_BYTES || trailerBytes > MAX_TRAILER_BYTES) {
            fail(httpError('malformed chunked body', 'ERR_MALFORMED_RESPONSE'));
          }
          continue;
        }
        const line = lineBytes.endsWith('\r') ? lineBytes.slice(0, -1) : lineBytes;
        lineBytes = '';
        if (chunkState === 'data-end') {
          if (line !== '') fail(httpError('malformed chunked body', 'ERR_MALFORMED_RESPONSE'));
          chunkState = 'size';
        } else if (chunkState === 'size') {
          const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
          if (!size) {
            fail(httpError('malformed chunked body', 'ERR_MALFORMED_RESPONSE'));
            break;
          }
          chunkRemaining = Number.parseInt(size[1]!, 16);
          chunkState = chunkRemaining === 0 ? 'trailer' : 'data';
        } else if (chunkState === 'trailer' && line === '') {
          chunkState = 'done';
          finishBody();
        }
      }
      return written;
    }

    function finishBody(): void {
      phase = 'done';
      stopWatching();
      // Nothing more is read from this connection.
      offset = end;
      socket.destroy();
    }

    async function pull(byteController: ReadableByteStreamController): Promise<void> {
      const request = byteController.byobRequest;
      if (!request?.view) return;
      const view = new Uint8Array(request.view.buffer, request.view.byteOffset, request.view.byteLength);
      for (;;) {
        if (failure !== undefined) return; // the stream is already errored
        const written = phase === 'body' ? take(view) : 0;
        if (failure !== undefined) return;
        if (offset >= end && phase === 'body' && !ended) socket.resume();
        if (written > 0) {
          request.respond(written);
          return;
        }
        if (phase === 'done') {
          byteController.close();
          request.respond(0);
          return;
        }
        if (ended && offset >= end) {
          if (framing.kind === 'close') {
            phase = 'done';
            stopWatching();
            byteController.close();
            request.respond(0);
          } else {
            fail(httpError('the response body ended before its end (truncated)', 'ERR_TRUNCATED_RESPONSE'));
          }
          return;
        }
        await new Promise<void>((wake) => {
          waiting = wake;
        });
      }
    }
  });
}

/** A body with no bytes (HEAD, 204, 304): the connection is released at once. */
function emptyBody(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  void body.cancel().catch(() => {});
  return new ReadableStream<Uint8Array>({
    type: 'bytes',
    start(controller) {
      controller.close();
    },
  });
}
