// Small plugin archives within every byte limit that burned a core for minutes: a PAX global header
// of 1 MB of keys copied into every later entry, ten of them merged again for each entry, and
// 1,900-level names whose parent folders were claimed in O(depth²). A hostile platform serves them
// over real HTTP (gzip, tar built byte by byte); the install now refuses oversized extended headers
// with a typed error naming the limit, and installs deep names in time linear in the archive.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createAgentClient, UnsafeArchiveError } from '@molecule-ai/agent-core';
import { installPluginWithPorts } from '@molecule-ai/agent-core/plugins';
import { createMemoryPluginSink, createMemoryTokenStore } from '@molecule-ai/agent-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf } from './helpers.js';

const WORKSPACE = '3d0c8f0e-7a9b-4e52-b1d4-5a0f2c7e9b61';
const encoder = new TextEncoder();

function block(name: string, typeflag: string, size: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, value: string): void => header.set(encoder.encode(value), offset);
  const octal = (offset: number, length: number, value: number): void =>
    put(offset, `${value.toString(8).padStart(length - 1, '0')}\0`);
  put(0, name);
  octal(100, 8, 0o644);
  octal(108, 8, 1000);
  octal(116, 8, 1000);
  octal(124, 12, size);
  octal(136, 12, 1_700_000_000);
  header[156] = typeflag.charCodeAt(0);
  put(257, 'ustar\x0000');
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

function paxData(records: [string, string][]): Uint8Array {
  const lines: string[] = [];
  for (const [key, value] of records) {
    const body = ` ${key}=${value}\n`;
    const bytes = encoder.encode(body).length;
    let length = bytes + String(bytes).length;
    if (String(length).length !== String(bytes).length) length = bytes + String(length).length;
    lines.push(`${length}${body}`);
  }
  return encoder.encode(lines.join(''));
}

function pax(typeflag: 'x' | 'g', records: [string, string][]): Uint8Array[] {
  const data = paxData(records);
  return [block('PaxHeader', typeflag, data.length), padded(data)];
}

function targz(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0) + 1024;
  const tar = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    tar.set(part, offset);
    offset += part.length;
  }
  return gzipSync(tar, { level: 9 });
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A platform whose plugin download route serves `archive`, and an install from it into memory. */
async function installFrom(archive: Uint8Array) {
  server = createServer((req, res) => {
    if (req.url?.includes('/plugins/') && req.url.includes('/download')) {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(archive.length) });
      res.end(archive);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const client = createAgentClient({
    workspaceId: WORKSPACE,
    platformUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenStore: createMemoryTokenStore({ [WORKSPACE]: 'token-for-the-hostile-platform' }),
  });
  const sink = createMemoryPluginSink();
  const install = installPluginWithPorts({
    client,
    name: 'hostile',
    sink,
    runSetup: false,
    reportToPlatform: false,
  });
  return { install, sink };
}

describe('archives that used to cost quadratic time', { timeout: 60_000 }, () => {
  it('a PAX global header of 1 MB of keys is refused, naming the limit', async () => {
    const keys: [string, string][] = [];
    for (let i = 0; keys.length * 16 < 1024 * 1024; i++) keys.push([`key${i}`, 'v']);
    const parts = [...pax('g', keys)];
    for (let i = 0; i < 100; i++) parts.push(block(`f${i}`, '0', 0));
    const archive = targz(parts);
    expect(archive.length).toBeLessThan(2 * 1024 * 1024);
    const { install } = await installFrom(archive);
    const error = await rejectionOf(install);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'max-header-bytes' });
    expect((error as Error).message).toContain('exceeds the limit of 65536');
  });

  it('ten global headers within the per-header limit, then thousands of entries, install (records not copied per entry)', async () => {
    const parts: Uint8Array[] = [];
    for (let g = 0; g < 10; g++) {
      const keys: [string, string][] = [];
      for (let i = 0; keys.length * 20 < 60 * 1024; i++) keys.push([`g${g}k${i}`, 'v']);
      parts.push(...pax('g', keys));
    }
    for (let i = 0; i < 5_000; i++) parts.push(block(`f${i}`, '0', 0));
    const { install, sink } = await installFrom(targz(parts));
    const result = await install;
    expect(result.files).toBe(5_000);
    expect(sink.installed('hostile')?.size).toBe(5_000);
  });

  it('thousands of entries 1,900 folders deep install (parents claimed in linear time)', async () => {
    const deep = 'd/'.repeat(1_900);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 1_500; i++) {
      parts.push(...pax('x', [['path', `${deep}f${i}`]]), block(`f${i}`, '0', 0));
    }
    const archive = targz(parts);
    expect(archive.length).toBeLessThan(256 * 1024);
    const { install } = await installFrom(archive);
    const result = await install;
    expect(result.files).toBe(1_500);
  });

  it('10,000 deep names are refused by the per-archive cap on extended headers, naming it', async () => {
    const deep = 'd/'.repeat(1_900);
    const parts: Uint8Array[] = [];
    for (let i = 0; i < 10_000; i++)
      parts.push(...pax('x', [['path', `${deep}f${i}`]]), block(`f${i}`, '0', 0));
    const { install } = await installFrom(targz(parts));
    const error = await rejectionOf(install);
    expect(error).toBeInstanceOf(UnsafeArchiveError);
    expect(error).toMatchObject({ rule: 'max-metadata-bytes' });
    expect((error as Error).message).toContain(String(8 * 1024 * 1024));
  });

  it('a name with a bidi override or a C1 control is refused and named escaped', async () => {
    for (const name of ['evil\u202Etxt.sh', 'csi\u009B2J']) {
      const data = encoder.encode('x');
      const { install } = await installFrom(
        targz([...pax('x', [['path', name]]), block('x', '0', 1), padded(data)]),
      );
      const error = await rejectionOf(install);
      expect(error).toBeInstanceOf(UnsafeArchiveError);
      expect((error as UnsafeArchiveError).entry).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect((error as Error).message).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect((error as Error).message).toMatch(/\\u202e|\\u009b/);
      server?.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });
});
