import { ConfigError } from '../errors.js';
import { isLoopbackHost } from '../inbound/push-server.js';
import { AGENT_ENV, type Environment } from './agent-environment.js';
import { type ClientSettings, pick, resolveClientSettings } from './client-settings.js';
import { type ListenAddress, parseListenAddress } from './listen-address.js';
import type { RunAgentOptions } from './run-agent-options.js';

/** {@link RunAgentOptions} merged with the environment and checked. */
export interface AgentSettings extends ClientSettings {
  /** `null`: poll. Otherwise where to listen and the origin to register (`undefined`: derived from the address). */
  push: (ListenAddress & { publicOrigin: string | undefined }) | null;
  pollIntervalMs: number | undefined;
  heartbeatIntervalMs: number | undefined;
  statePollIntervalMs: number | undefined;
  concurrency: number | undefined;
  maxIterations: number | undefined;
  cursorFile: string | undefined;
}

function milliseconds(
  option: number | undefined,
  optionName: string,
  env: Environment,
  variable: string,
): number | undefined {
  if (option !== undefined) {
    if (!Number.isFinite(option) || option <= 0) {
      throw new ConfigError(`${optionName} must be a positive number of milliseconds, got ${option}`);
    }
    return option;
  }
  const found = pick<string>(undefined, optionName, env, variable);
  if (found === undefined) return undefined;
  const seconds = Number(found.value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ConfigError(
      `${variable} must be a positive number of seconds, got ${JSON.stringify(found.value)}`,
    );
  }
  return seconds * 1000;
}

function count(
  option: number | undefined,
  optionName: string,
  env: Environment,
  variable: string,
  minimum: number,
): number | undefined {
  const found = pick(option, optionName, env, variable);
  if (found === undefined) return undefined;
  const text = String(found.value).trim();
  if (!/^\d{1,9}$/.test(text) || Number(text) < minimum) {
    throw new ConfigError(
      `${found.from} must be a whole number of at least ${minimum}, got ${JSON.stringify(found.value)}`,
    );
  }
  return Number(text);
}

/**
 * Checks a public URL for push (`https://agent.example.com`, `http://localhost:{port}`): http(s),
 * no credentials, query or fragment. Returns it without trailing slashes; `from` names the option
 * or variable in the ConfigError.
 */
export function parsePublicUrl(value: string, from = 'publicUrl'): string {
  let url: URL;
  try {
    url = new URL(value.replace('{port}', '1'));
  } catch {
    throw new ConfigError(
      `${from} must be an http(s) URL such as https://agent.example.com, got ${JSON.stringify(value)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${from} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.username !== '' || url.password !== '')
    throw new ConfigError(`${from} must not contain credentials`);
  if (url.search !== '' || url.hash !== '')
    throw new ConfigError(`${from} must not have a query or fragment`);
  return value.trim().replace(/\/+$/, '');
}

/**
 * Merges `runAgent`'s options with the `MOLECULE_*` variables (options win) and checks everything
 * before any I/O, so a typo fails at once with a message naming the option or variable.
 * Push is on when a public URL or a listen address is set.
 */
export function resolveAgentSettings(options: RunAgentOptions, env: Environment): AgentSettings {
  const client = resolveClientSettings(options, env);
  const listen = pick(options.listen, 'listen', env, AGENT_ENV.listen);
  const publicUrl = pick(options.publicUrl, 'publicUrl', env, AGENT_ENV.publicUrl);
  let push: AgentSettings['push'] = null;
  if (listen !== undefined || publicUrl !== undefined) {
    const address =
      listen === undefined
        ? { host: '127.0.0.1', port: 0 }
        : parseListenAddress(listen.value as string | number, listen.from);
    const origin =
      publicUrl === undefined ? undefined : parsePublicUrl(String(publicUrl.value), publicUrl.from);
    if (origin !== undefined && !origin.includes('{port}') && address.port === 0) {
      throw new ConfigError(
        `${publicUrl!.from} has no {port} and no fixed port is set: set the listen port (--listen, ` +
          `${AGENT_ENV.listen} or the listen option) to the port your tunnel or proxy forwards to, or put {port} in the URL`,
      );
    }
    if (origin === undefined && !isLoopbackHost(address.host)) {
      throw new ConfigError(
        `${listen!.from} binds ${address.host}, which the platform cannot be told to reach by itself: ` +
          `set the public URL (--public-url, ${AGENT_ENV.publicUrl} or the publicUrl option) to the URL that reaches this port`,
      );
    }
    push = { ...address, publicOrigin: origin };
  }
  return {
    ...client,
    push,
    pollIntervalMs: milliseconds(options.pollIntervalMs, 'pollIntervalMs', env, AGENT_ENV.pollInterval),
    heartbeatIntervalMs: milliseconds(
      options.heartbeatIntervalMs,
      'heartbeatIntervalMs',
      env,
      AGENT_ENV.heartbeatInterval,
    ),
    statePollIntervalMs: milliseconds(
      options.statePollIntervalMs,
      'statePollIntervalMs',
      env,
      AGENT_ENV.stateInterval,
    ),
    concurrency: count(options.concurrency, 'concurrency', env, AGENT_ENV.concurrency, 1),
    maxIterations: count(options.maxIterations, 'maxIterations', env, AGENT_ENV.maxIterations, 0),
    cursorFile: pick(options.cursorFile, 'cursorFile', env, AGENT_ENV.cursorFile)?.value as
      | string
      | undefined,
  };
}
