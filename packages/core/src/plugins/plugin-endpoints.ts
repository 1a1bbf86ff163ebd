import { withClientContext } from '../client/client-context.js';
import {
  type ClientContext,
  callPlatform,
  describeCall,
  type PlatformCall,
  readJson,
  throwForStatus,
} from '../client/context.js';
import type { AgentClient } from '../client/create-agent-client.js';
import { InvalidResponseError, TimeoutError } from '../errors.js';
import { declaredContentLength } from '../http/headers.js';
import { failWhenIdle } from '../http/idle-timeout.js';
import { apiPath, encodeSegment } from '../http/url.js';
import type { ResponseHeaders } from '../ports/http-transport.js';
import { statusBodySchema } from '../schemas/platform.js';
import { parseOrUndefined } from '../schemas/validate.js';
import type { PluginInstallClient } from './install-plugin.js';

/*
 * The platform's two plugin endpoints, as functions of this subpath taking the client rather than
 * client methods: only a plugin install needs them (and the streaming download's idle timer), so a
 * client that never installs a plugin does not carry them.
 */

export interface DownloadPluginOptions {
  /** `local://<name>` (the default on the server) or `github://owner/repo#ref`. Sent URL-encoded. */
  source?: string | undefined;
  /** Aborts the request and, later, the body stream. */
  signal?: AbortSignal | undefined;
}

/** A plugin archive on its way in. The body is not read: the install pipeline streams it. */
export interface PluginDownloadResponse {
  /** gzip bytes of the tarball. */
  body: ReadableStream<Uint8Array>;
  /** From `Content-Length`, or `null` when absent or invalid. */
  contentLength: number | null;
  headers: ResponseHeaders;
  /** `X-Plugin-Name`, when sent. */
  pluginName: string | null;
  /** `X-Plugin-Source` (normalised `scheme://spec`), when sent. */
  pluginSource: string | null;
}

export interface ReportPluginInstallOptions {
  /** Default `local://<name>`. */
  source?: string;
  /** Hex SHA-256 of `plugin.yaml` as the server computes it. */
  sha256?: string;
  signal?: AbortSignal;
}

/** What became of the install report. */
export interface PluginInstallReport {
  /** False when the platform could not record it (a remote agent has no container to copy into). */
  recorded: boolean;
  status: number;
  reason: string | undefined;
}

/**
 * `GET /workspaces/:id/plugins/:name/download[?source=]` as `client`. Returns the body as a stream
 * with its length and headers; nothing is buffered. The 60 s `pluginDownload` timeout covers the
 * wait for headers; after that the body fails with a {@link TimeoutError} when it stalls for
 * `pluginDownloadIdle` (60 s), and the caller's signal stops it at any time.
 *
 * @example
 * const download = await downloadPlugin(client, 'my-plugin', { source: 'github://acme/my-plugin#v1' });
 */
export function downloadPlugin(
  client: AgentClient,
  name: string,
  options: DownloadPluginOptions = {},
): Promise<PluginDownloadResponse> {
  return withClientContext(client, (ctx) => download(ctx, name, options));
}

async function download(
  ctx: ClientContext,
  name: string,
  options: DownloadPluginOptions,
): Promise<PluginDownloadResponse> {
  encodeSegment(name, 'plugin name');
  const call: PlatformCall = {
    method: 'GET',
    path: apiPath`/workspaces/${ctx.workspaceId}/plugins/${name}/download`,
    query: { source: options.source },
    timeout: 'pluginDownload',
    signal: options.signal,
    stream: true,
  };
  const response = await callPlatform(ctx, call);
  throwForStatus(ctx, call, response);
  if (response.stream === null) {
    throw new InvalidResponseError(`${describeCall(ctx, call)} answered ${response.status} without a body`, {
      source: describeCall(ctx, call),
    });
  }
  const idleMs = ctx.timeouts.pluginDownloadIdle;
  const where = describeCall(ctx, call);
  return {
    body: failWhenIdle(
      response.stream,
      idleMs,
      () =>
        new TimeoutError(`${where}: the download stalled (no data for ${idleMs} ms)`, {
          method: call.method,
          path: call.path,
        }),
    ),
    contentLength: declaredContentLength(response.headers),
    headers: response.headers,
    pluginName: response.headers.get('x-plugin-name'),
    pluginSource: response.headers.get('x-plugin-source'),
  };
}

const CONTAINER_NOT_RUNNING = 'workspace container not running';

/**
 * `POST /workspaces/:id/plugins {source, sha256?}` as `client`, the Python SDK's "record the
 * install". The real server re-fetches the plugin and tries to copy it into a container, which a
 * remote agent does not have: its 503 `workspace container not running` is returned as
 * `recorded: false` instead of thrown. Any other failure throws.
 *
 * @example
 * const report = await reportPluginInstall(client, 'my-plugin', { sha256 });
 */
export function reportPluginInstall(
  client: AgentClient,
  name: string,
  options: ReportPluginInstallOptions = {},
): Promise<PluginInstallReport> {
  return withClientContext(client, (ctx) => report(ctx, name, options));
}

async function report(
  ctx: ClientContext,
  name: string,
  options: ReportPluginInstallOptions,
): Promise<PluginInstallReport> {
  encodeSegment(name, 'plugin name');
  const json: Record<string, string> = { source: options.source || `local://${name}` };
  if (options.sha256) json.sha256 = options.sha256;
  const call: PlatformCall = {
    method: 'POST',
    path: apiPath`/workspaces/${ctx.workspaceId}/plugins`,
    json,
    signal: options.signal,
  };
  const response = await callPlatform(ctx, call);
  if (response.status === 503) {
    const reason = parseOrUndefined(statusBodySchema, response.body) as { error?: unknown } | undefined;
    if (reason?.error === CONTAINER_NOT_RUNNING) {
      ctx.logger.info('platform did not record the plugin install (no container for a remote agent)', {
        plugin: name,
      });
      return { recorded: false, status: 503, reason: CONTAINER_NOT_RUNNING };
    }
  }
  readJson(ctx, call, response, statusBodySchema);
  return { recorded: true, status: response.status, reason: undefined };
}

/** The two calls a plugin install makes ({@link downloadPlugin}, {@link reportPluginInstall}), bound to `client`. */
export function pluginInstallClient(client: AgentClient): PluginInstallClient {
  return {
    downloadPlugin: (name, options) => downloadPlugin(client, name, options),
    reportPluginInstall: (name, options) => reportPluginInstall(client, name, options),
  };
}
