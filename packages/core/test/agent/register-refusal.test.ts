import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explainRegisterRefusal } from '../../src/agent/index.js';
import { BadRequestError } from '../../src/index.js';
import { clientFor, type SimHarness, startSim } from '../helpers/platform.js';

describe('a refused registration says why, from the URL that was sent', () => {
  let fixture: SimHarness;
  beforeEach(async () => {
    // A stock platform: no poll-only placeholder, loopback literals refused.
    fixture = await startSim({ rateLimit: false });
  });
  afterEach(async () => {
    await fixture.close();
  });

  async function registerWith(reportedUrl: string | undefined): Promise<BadRequestError> {
    const created = await fixture.sim.admin.createWorkspace({ external: true });
    const { client } = clientFor(fixture.url, created.id, { storedToken: created.token!, reportedUrl });
    const error = await client.register().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    return error as BadRequestError;
  }

  it('the poll-only placeholder: names the ways out (push, a platform accepting poll-only agents)', async () => {
    const error = await registerWith(undefined);
    expect(error.status).toBe(400);
    expect(error.message).toContain('invalid request body');
    expect(error.message).toContain('poll-only placeholder');
    expect(error.message).toContain('serve pushes');
    expect(error.message).toContain('allowPlaceholderUrl');
    expect(error.cause).toBeInstanceOf(BadRequestError);
  });

  it('a 127.x literal: says the platform refuses it and to register http://localhost:<port>, never quoting the path', async () => {
    const error = await registerWith('http://127.0.0.1:4567/a2a/SECRETCAPABILITYPATH');
    expect(error.message).toContain('http://127.0.0.1:4567 is a loopback IP literal');
    expect(error.message).toContain('register http://localhost:4567 instead');
    expect(error.message).not.toContain('SECRETCAPABILITYPATH');
  });

  it('explains private, link-local and unresolvable URLs too', () => {
    expect(explainRegisterRefusal('http://10.1.2.3:80/x')).toContain('private address');
    expect(explainRegisterRefusal('http://[fd00::1]:80/x')).toContain('private address');
    expect(explainRegisterRefusal('http://169.254.169.254/')).toContain('link-local');
    expect(explainRegisterRefusal('https://agent.invalid/a2a/x')).toContain(
      'check that https://agent.invalid resolves to a public address',
    );
    expect(
      explainRegisterRefusal('remote://no-inbound', {
        servePushes: 'use --listen',
        simulatorPlaceholder: '--allow',
      }),
    ).toContain('use --listen; or use a platform that accepts poll-only agents (for the simulator: --allow)');
  });
});

describe('the first registration of a workspace from here is announced once', () => {
  let fixture: SimHarness;
  beforeEach(async () => {
    fixture = await startSim({ rateLimit: false, allowPlaceholderUrl: true });
  });
  afterEach(async () => {
    await fixture.close();
  });

  it('a valid but unknown id (a typo) gets a new token and a plain warning, once', async () => {
    const typo = '0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8c';
    const { client, logger } = clientFor(fixture.url, typo);
    const first = await client.register();
    expect(first.issued).toBe(true);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(`first registration of workspace ${typo} from here`);
    expect(warnings[0]!.message).toContain('If you meant an existing workspace, check the id');
    expect(logger.text()).not.toContain(first.token);
    await client.register();
    expect(logger.lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('a workspace whose token is already here says nothing', async () => {
    const created = await fixture.sim.admin.createWorkspace({ external: true });
    const { client, logger } = clientFor(fixture.url, created.id, { storedToken: created.token! });
    await client.register();
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });
});
