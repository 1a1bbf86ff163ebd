// Attack: a token folder, token file or lock file that someone else owns, can write to, or made a
// FIFO. Each case is what an attacker sharing the machine (a second user, uid 65534) or a planted
// file did to the store before it checked ownership and opened its files without blocking.
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@molecule-ai/agent-core';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileCursorStore, createFileTokenStore, TOKEN_FILE_NAME } from '../../src/stores/index.js';
import {
  giveToOtherUser,
  makeFifo,
  makeTempDir,
  OTHER_UID,
  runSecurityChild,
  securityChildScript,
} from './security-helpers.js';

const WS = '5f0c9a8e-1111-4222-8333-444455556666';
let temp: { dir: string; remove: () => void };
beforeEach(() => {
  temp = makeTempDir('security-tokens-');
});
afterEach(() => temp.remove());
afterAll(async () => (await securityChildScript()).remove());

describe('a token folder someone else owns or can write to', () => {
  it('a workspace folder created by another user is refused on save, and nothing is written into it', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o755 });
    giveToOtherUser(folder);
    const store = createFileTokenStore({ directory: temp.dir });
    const saving = store.save(WS, 'secret-token');
    await expect(saving).rejects.toBeInstanceOf(ConfigError);
    await expect(saving).rejects.toThrow(new RegExp(`owned by uid ${OTHER_UID}.*use a folder you own`));
    expect(readdirSync(folder)).toEqual([]);
  });

  it('a token file planted by another user is refused on load, never returned', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o700 });
    writeFileSync(join(folder, TOKEN_FILE_NAME), 'attacker-token', { mode: 0o600 });
    giveToOtherUser(join(folder, TOKEN_FILE_NAME));
    const loading = createFileTokenStore({ directory: temp.dir }).load(WS);
    await expect(loading).rejects.toBeInstanceOf(ConfigError);
    await expect(loading).rejects.toThrow(/owned by uid 65534.*planted/);
  });

  it('a token file in a folder another user owns is refused on load', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o755 });
    writeFileSync(join(folder, TOKEN_FILE_NAME), 'token', { mode: 0o600 });
    giveToOtherUser(folder);
    await expect(createFileTokenStore({ directory: temp.dir }).load(WS)).rejects.toThrow(
      /token folder .* owned by uid 65534/,
    );
  });

  it('a token file others can write to is refused on load with the chmod to run', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o700 });
    writeFileSync(join(folder, TOKEN_FILE_NAME), 'token');
    chmodSync(join(folder, TOKEN_FILE_NAME), 0o666);
    await expect(createFileTokenStore({ directory: temp.dir }).load(WS)).rejects.toThrow(/chmod 600/);
  });

  it('a base folder every user can write to (no sticky bit) is refused on save', async () => {
    const shared = join(temp.dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const saving = createFileTokenStore({ directory: shared }).save(WS, 'secret-token');
    await expect(saving).rejects.toBeInstanceOf(ConfigError);
    await expect(saving).rejects.toThrow(/other users can write to it .*chmod go-w/);
    expect(existsSync(join(shared, WS, TOKEN_FILE_NAME))).toBe(false);
  });

  it('a shared base folder with the sticky bit (like /tmp) is accepted: our folder in it is 0700', async () => {
    const shared = join(temp.dir, 'sticky');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const store = createFileTokenStore({ directory: shared });
    await store.save(WS, 'secret-token');
    expect(statSync(join(shared, WS)).mode & 0o777).toBe(0o700);
    expect(await store.load(WS)).toBe('secret-token');
  });

  it('our own workspace folder left group-writable is tightened to 0700 on save', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder);
    chmodSync(folder, 0o775);
    await createFileTokenStore({ directory: temp.dir }).save(WS, 'secret-token');
    expect(statSync(folder).mode & 0o777).toBe(0o700);
  });

  it('the cursor store applies the same rules', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o700 });
    writeFileSync(join(folder, 'inbound-cursor.json'), '{"cursor":"x","seen":[]}', { mode: 0o600 });
    giveToOtherUser(join(folder, 'inbound-cursor.json'));
    await expect(createFileCursorStore({ directory: temp.dir }).load(WS)).rejects.toThrow(
      /cursor file .* owned by uid 65534/,
    );
  });
});

describe('FIFOs planted under the names of the token and its lock', () => {
  it('a FIFO .auth_token.lock does not hang a save: it is refused as not a regular file', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o700 });
    makeFifo(join(folder, `${TOKEN_FILE_NAME}.lock`));
    const outcome = await runSecurityChild(['save', temp.dir, WS, 'secret-token']);
    expect(outcome.hung).toBe(false);
    expect(outcome).toMatchObject({ ok: false, name: 'ConfigError' });
    expect(outcome.message).toMatch(/lock file .*\.auth_token\.lock.* FIFO .*remove it/);
  });

  it('a FIFO .auth_token does not hang a load: it is refused as not a regular file', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o700 });
    makeFifo(join(folder, TOKEN_FILE_NAME));
    const outcome = await runSecurityChild(['load', temp.dir, WS]);
    expect(outcome.hung).toBe(false);
    expect(outcome).toMatchObject({ ok: false, name: 'ConfigError' });
    expect(outcome.message).toMatch(/token file .* FIFO/);
  });

  it('a token file that is a symbolic link (here to a FIFO elsewhere) is refused without following it', async () => {
    const folder = join(temp.dir, WS);
    mkdirSync(folder, { mode: 0o700 });
    makeFifo(join(temp.dir, 'pipe'));
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(temp.dir, 'pipe'), join(folder, TOKEN_FILE_NAME));
    const outcome = await runSecurityChild(['load', temp.dir, WS]);
    expect(outcome).toMatchObject({ hung: false, ok: false, name: 'ConfigError' });
    expect(outcome.message).toMatch(/token file .* symbolic link/);
  });
});
