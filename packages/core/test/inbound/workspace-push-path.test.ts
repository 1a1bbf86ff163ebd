import { describe, expect, it } from 'vitest';
import { matchWorkspacePushPath, workspacePushPath } from '../../src/inbound/index.js';
import { ConfigError } from '../../src/index.js';

const SECRET = 'a-push-secret-of-32-characters-x';
const A = '3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f';
const B = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const served = new Set([A, B]);
const isServed = (id: string): boolean => served.has(id);

describe('workspacePushPath', () => {
  it('is <prefix>/<id>/<43 base64url characters>, the same for the same inputs', async () => {
    const path = await workspacePushPath(SECRET, A);
    expect(path).toMatch(new RegExp(`^/a2a/${A}/[A-Za-z0-9_-]{43}$`));
    expect(await workspacePushPath(SECRET, A)).toBe(path);
  });

  it('gives each workspace, and each secret, a different capability', async () => {
    const a = (await workspacePushPath(SECRET, A)).split('/')[3];
    const b = (await workspacePushPath(SECRET, B)).split('/')[3];
    const other = (await workspacePushPath(`${SECRET}-2`, A)).split('/')[3];
    expect(new Set([a, b, other]).size).toBe(3);
  });

  it('honours the prefix', async () => {
    expect(await workspacePushPath(SECRET, A, '/agents/')).toMatch(new RegExp(`^/agents/${A}/`));
    expect(await workspacePushPath(SECRET, A, '/')).toMatch(new RegExp(`^/${A}/`));
  });

  it('rejects a short secret and a workspace id that is not a path segment, with ConfigError', async () => {
    await expect(workspacePushPath('short', A)).rejects.toThrow(ConfigError);
    await expect(workspacePushPath(SECRET, 'a/b')).rejects.toThrow(ConfigError);
    await expect(workspacePushPath(SECRET, '')).rejects.toThrow(ConfigError);
  });
});

describe('matchWorkspacePushPath', () => {
  it('finds the workspace of its own path, and of the path followed by /a2a', async () => {
    const path = await workspacePushPath(SECRET, B);
    expect(await matchWorkspacePushPath(path, SECRET, isServed)).toEqual({ workspaceId: B, path });
    expect(await matchWorkspacePushPath(`${path}/a2a`, SECRET, isServed)).toEqual({ workspaceId: B, path });
  });

  it("refuses one workspace's capability under another workspace's id", async () => {
    const capabilityOfA = (await workspacePushPath(SECRET, A)).split('/')[3];
    expect(
      await matchWorkspacePushPath(`/a2a/${B}/${capabilityOf(capabilityOfA)}`, SECRET, isServed),
    ).toBeNull();
  });

  it('refuses a workspace that is not served, even with the right capability', async () => {
    const path = await workspacePushPath(SECRET, A);
    expect(await matchWorkspacePushPath(path, SECRET, () => false)).toBeNull();
  });

  it('refuses a wrong secret, other shapes and other prefixes', async () => {
    const path = await workspacePushPath(SECRET, A);
    const refused = [
      `${path}/extra`,
      `${path}/a2a/a2a`,
      `${path.slice(0, -1)}`,
      `${path.slice(0, -1)}!`,
      `/a2a/${A}`,
      '/a2a/',
      '/',
      path.replace('/a2a/', '/other/'),
    ];
    for (const candidate of refused)
      expect(await matchWorkspacePushPath(candidate, SECRET, isServed)).toBeNull();
    expect(await matchWorkspacePushPath(path, `${SECRET}-2`, isServed)).toBeNull();
  });
});

function capabilityOf(value: string | undefined): string {
  if (value === undefined) throw new Error('no capability segment');
  return value;
}
