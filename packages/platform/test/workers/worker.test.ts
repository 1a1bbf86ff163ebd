// Runs only in workerd: proves the unchanged handler serves real Worker requests.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('the simulator as a Worker fetch handler', () => {
  it('runs inside workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });

  it('serves /health and a register → state round trip through SELF.fetch', async () => {
    const health = await SELF.fetch('https://platform.test/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const id = '0a000000-0000-4000-8000-0000000000aa';
    const reg = await SELF.fetch('https://platform.test/registry/register', {
      method: 'POST',
      body: JSON.stringify({ id, url: 'https://agent.example.com', agent_card: { name: 'w' } }),
    });
    const { auth_token } = (await reg.json()) as { auth_token: string };
    const state = await SELF.fetch(`https://platform.test/workspaces/${id}/state`, {
      headers: { Authorization: `Bearer ${auth_token}` },
    });
    expect(await state.json()).toEqual({ workspace_id: id, status: 'online', paused: false, deleted: false });
    const admin = await SELF.fetch('https://platform.test/admin/sim/workspaces', {
      headers: { Authorization: 'Bearer worker-admin-token' },
    });
    expect(((await admin.json()) as unknown[]).length).toBe(1);
  });
});
