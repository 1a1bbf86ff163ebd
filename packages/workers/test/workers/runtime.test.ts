import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('the test runtime', () => {
  it('is workerd, not Node', async () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
    expect(typeof WebSocketPair).toBe('function');
  });

  it('reaches the worker under test through SELF', async () => {
    const response = await SELF.fetch('https://agent.example/not-the-push-path');
    expect(response.status).toBe(404);
  });
});
