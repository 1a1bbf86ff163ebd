import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('the test runtime', () => {
  it('is workerd, not Node', async () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
    const response = await SELF.fetch('https://agent.example/');
    expect(await response.text()).toBe('Cloudflare-Workers');
  });
});
