import { describe, expect, it } from 'vitest';
import { BASE, call, fakeAgent, IDS, makeSim, messageBody, registerAgent } from '../helpers/sim.js';

function busyError(): Error {
  return Object.assign(new TypeError('fetch failed'), {
    cause: { code: 'ECONNRESET', message: 'read ECONNRESET' },
  });
}

describe('POST /workspaces/:id/a2a — request-side failures', () => {
  it('400 {"error":"failed to read request body"} when the request body stream errors', async () => {
    const agent = fakeAgent();
    const sim = makeSim({ pushFetch: agent.pushFetch });
    await registerAgent(sim, IDS.a);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"method":"message/se'));
        } else controller.error(new Error('client went away'));
      },
    });
    const init = { method: 'POST', body, duplex: 'half', headers: { 'Content-Type': 'application/json' } };
    const res = await sim.fetch(new Request(`${BASE}/workspaces/${IDS.a}/a2a`, init as RequestInit));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('{"error":"failed to read request body"}');
    expect(agent.received).toHaveLength(0);
    expect(sim.admin.activity(IDS.a)).toEqual([]);
    expect(sim.requests.at(-1)).toMatchObject({ path: `/workspaces/${IDS.a}/a2a`, status: 400 });
  });

  it('503 busy with Retry-After: 30 when the enqueue fails (enqueue-fails fault); nothing is queued', async () => {
    const sim = makeSim({ pushFetch: () => Promise.reject(busyError()) });
    await registerAgent(sim, IDS.a);
    sim.setFaults({ rules: [{ path: '/workspaces/:id/a2a', count: 1, fault: { type: 'enqueue-fails' } }] });
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, { body: messageBody('x') });
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('30');
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(r.text).toBe(
      '{"busy":true,"error":"workspace agent busy — retry after a short backoff","retry_after":30}',
    );
    expect(sim.admin.queue(IDS.a)).toEqual([]);
    expect(sim.admin.activity(IDS.a)).toMatchObject([{ status: 'error' }]);
    expect(sim.requests.at(-1)!.faults).toEqual(['enqueue-fails']);

    const next = await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, { body: messageBody('y') });
    expect(next.status).toBe(202);
    expect(sim.admin.queue(IDS.a)).toHaveLength(1);
  });

  it('enqueue-fails changes nothing when the push succeeds', async () => {
    const sim = makeSim({ pushFetch: fakeAgent().pushFetch });
    await registerAgent(sim, IDS.a);
    sim.setFaults({ rules: [{ path: '/workspaces/:id/a2a', fault: { type: 'enqueue-fails' } }] });
    const r = await call(sim, 'POST', `/workspaces/${IDS.a}/a2a`, { body: messageBody('x') });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ result: { parts: [{ kind: 'text', text: 'echo: x' }] } });
  });
});
