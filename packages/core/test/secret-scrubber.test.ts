import { describe, expect, it } from 'vitest';
import { ApiError, ConfigError } from '../src/errors.js';
import { isSensitiveKey } from '../src/util/redact.js';
import { createScrubbingLogger } from '../src/util/scrubbing-logger.js';
import { SecretScrubber } from '../src/util/secret-scrubber.js';

const TOKEN = 'tok+en/With=Chars~AndLength-0123456789';

function scrubber(): SecretScrubber {
  const secrets = new SecretScrubber();
  secrets.add(TOKEN);
  return secrets;
}

describe('SecretScrubber', () => {
  it.each([
    ['plain', TOKEN],
    ['URL-encoded', encodeURIComponent(TOKEN)],
    [
      'URL-encoded, lower-case hex',
      encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    ],
    ['form-encoded', new URLSearchParams({ a: TOKEN }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(TOKEN).slice(1, -1)],
    ['base64', btoa(TOKEN)],
    ['cut off with an ellipsis', `${TOKEN.slice(0, 30)}…`],
  ])('removes the %s form', (_, form) => {
    const out = scrubber().text(`before ${form} after`);
    expect(out).toBe(`before [REDACTED]${form.endsWith('…') ? '…' : ''} after`);
  });

  it('ignores secrets too short to be credentials, and leaves other text alone', () => {
    const secrets = new SecretScrubber();
    secrets.add('short');
    secrets.add(undefined);
    expect(secrets.empty).toBe(true);
    expect(scrubber().text('nothing secret here')).toBe('nothing secret here');
  });

  it('scrubs an error in place: message, stack, own fields (toJSON) and the cause chain', () => {
    const cause = new Error(`inner ${TOKEN}`);
    const error = new ApiError(`outer ${TOKEN}`, {
      status: 401,
      method: 'GET',
      path: '/x',
      body: { got: TOKEN, nested: [encodeURIComponent(TOKEN)] },
      cause,
    });
    expect(scrubber().error(error)).toBe(error);
    const everything = `${error.message} ${error.stack} ${JSON.stringify(error.toJSON())} ${cause.message} ${cause.stack}`;
    expect(everything).not.toContain(TOKEN.slice(0, 12));
    expect(everything).not.toContain(encodeURIComponent(TOKEN));
    expect(error.body).toEqual({ got: '[REDACTED]', nested: ['[REDACTED]'] });
    expect(error).toBeInstanceOf(ApiError);
  });

  it('the scrubbing logger cleans messages and fields, keys and values', () => {
    const lines: unknown[] = [];
    const logger = createScrubbingLogger(
      {
        debug: (message, fields) => lines.push([message, fields]),
        info: () => {},
        warn: () => {},
        error: () => {},
      },
      scrubber(),
    );
    logger.debug(`saw ${TOKEN}`, {
      reason: `x=${encodeURIComponent(TOKEN)}`,
      error: new ConfigError(TOKEN),
      cookie: 'c',
    });
    expect(JSON.stringify(lines)).not.toContain(TOKEN.slice(0, 12));
    expect(JSON.stringify(lines)).not.toContain(encodeURIComponent(TOKEN));
    expect(JSON.stringify(lines)).not.toContain('"c"');
  });
});

describe('sensitive keys', () => {
  it.each([
    'auth',
    'Authorization',
    'x-auth-token',
    'oauth',
    'credential',
    'credentials',
    'bearer',
    'api_key',
    'apiKey',
    'x-api-key',
    'cookie',
    'set-cookie',
    'password',
    'passwd',
    'secret',
    'token',
  ])('%s is masked', (key) => expect(isSensitiveKey(key)).toBe(true));
  it.each(['author', 'authority', 'status', 'name', 'url'])('%s is kept', (key) =>
    expect(isSensitiveKey(key)).toBe(false),
  );
});
