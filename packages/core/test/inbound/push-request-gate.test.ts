import { describe, expect, it } from 'vitest';
import { createPushRequestGate, isLoopbackHost, pushServerUrl } from '../../src/inbound/index.js';

describe('createPushRequestGate', () => {
  it('admits up to maxConcurrent, then answers busy until one is released', () => {
    const gate = createPushRequestGate(2);
    expect(gate.admit()).toBeNull();
    expect(gate.admit()).toBeNull();
    expect(gate.admit()).toBe('busy');
    expect(gate.inFlight).toBe(2);
    gate.release();
    expect(gate.admit()).toBeNull();
    expect(gate.inFlight).toBe(2);
  });

  it('stop turns new requests away, waits for the ones in flight, and runs close once', async () => {
    const gate = createPushRequestGate(4);
    expect(gate.admit()).toBeNull();
    const events: string[] = [];
    let closes = 0;
    const stopped = gate.stop(async (drain) => {
      closes++;
      await drain(60_000);
      events.push('drained');
    });
    expect(gate.stop(async () => {})).toBe(stopped);
    expect(gate.admit()).toBe('shutting down');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual([]);
    events.push('released');
    gate.release();
    await stopped;
    expect(events).toEqual(['released', 'drained']);
    expect(closes).toBe(1);
  });

  it('drain gives up after its timeout when a request never finishes', async () => {
    const gate = createPushRequestGate(1);
    expect(gate.admit()).toBeNull();
    await gate.stop((drain) => drain(1));
    expect(gate.inFlight).toBe(1);
  });
});

describe('pushServerUrl', () => {
  it('uses the bound address, brackets IPv6 hosts, and prefers a public origin with {port}', () => {
    expect(pushServerUrl('192.0.2.7', 8080, '/a2a/x')).toBe('http://192.0.2.7:8080/a2a/x');
    expect(pushServerUrl('fd00::7', 8080, '/')).toBe('http://[fd00::7]:8080/');
    expect(pushServerUrl('0.0.0.0', 9, '/a2a/x', 'https://tunnel.example:{port}//')).toBe(
      'https://tunnel.example:9/a2a/x',
    );
  });

  it('advertises http://localhost:<port> for a loopback address (the platform refuses 127.x and ::1 literals)', () => {
    for (const host of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      'localhost',
    ]) {
      expect(pushServerUrl(host, 8080, '/a2a/x')).toBe('http://localhost:8080/a2a/x');
    }
    // Told otherwise: the public origin wins.
    expect(pushServerUrl('127.0.0.1', 8080, '/a2a/x', 'http://127.0.0.1:{port}')).toBe(
      'http://127.0.0.1:8080/a2a/x',
    );
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('localhost.example')).toBe(false);
  });
});
