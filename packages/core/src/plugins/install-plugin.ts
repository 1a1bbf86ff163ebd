import type { AgentClient } from '../client/create-agent-client.js';
import { ApiError, isMoleculeError } from '../errors.js';
import type { ResponseHeaders } from '../ports/http-transport.js';
import { silentLogger } from '../ports/logger.js';
import { runPluginInstall } from './install-plugin-archive.js';
import type {
  InstallPluginArchiveOptions,
  InstallPluginResult,
  PluginInstallProgress,
  PluginReportOutcome,
} from './install-types.js';
import { pluginInstallClient } from './plugin-endpoints.js';

/** A streamed plugin download, as the core client returns it. */
export interface PluginDownload {
  body: ReadableStream<Uint8Array>;
  contentLength: number | null;
  headers: ResponseHeaders;
}

/** What the platform said to the install report (the core client's `PluginInstallReport`). */
export interface PluginInstallReportAnswer {
  /** False when the platform could not record it (the 503 a remote workspace gets). */
  recorded: boolean;
  status: number;
  reason?: string | undefined;
}

/**
 * The two platform calls an install needs: what `pluginInstallClient(client)` returns for a client
 * made by `createAgentClient`, or a stand-in.
 */
export interface PluginInstallClient {
  downloadPlugin(name: string, options?: { source?: string; signal?: AbortSignal }): Promise<PluginDownload>;
  reportPluginInstall(
    name: string,
    options?: { source?: string; signal?: AbortSignal },
  ): Promise<PluginInstallReportAnswer>;
}

/** Options of {@link installPluginWithPorts}: the archive pipeline's options plus where to get the plugin from. */
export interface InstallPluginWithPortsOptions extends Omit<InstallPluginArchiveOptions, 'contentLength'> {
  /** The agent client (`createAgentClient`), or the two calls an install makes. */
  client: AgentClient | PluginInstallClient;
  /** `local://<name>` (the platform's default), `github://owner/repo#ref`, or a bare name. */
  source?: string;
  /** Tell the platform about the install afterwards (default true, like the Python SDK). */
  reportToPlatform?: boolean;
}

/**
 * Downloads a plugin from the platform (`GET /workspaces/:id/plugins/:name/download`), installs it
 * with the streaming pipeline (see `runPluginInstall`; the download starts only once the
 * plugin's lock is held) and then reports the install (`POST /workspaces/:id/plugins`).
 *
 * The report never fails the install: the real server answers 503 `workspace container not
 * running` for every remote workspace (it tries to copy the plugin into a Docker container), which
 * comes back as `{ status: 'not-supported' }`; other failures are logged and returned as `failed`.
 */
export async function installPluginWithPorts(
  options: InstallPluginWithPortsOptions,
): Promise<InstallPluginResult> {
  const { source, signal } = options;
  const client = 'downloadPlugin' in options.client ? options.client : pluginInstallClient(options.client);
  const logger = options.logger ?? silentLogger;
  let platformSource: string | null = source ?? null;
  const onProgress = options.onProgress;
  // The pipeline's own 'done' comes before the report: hold it back and send it at the very end.
  const pipelineOptions = onProgress
    ? {
        ...options,
        onProgress: (event: PluginInstallProgress): void => {
          if (event.phase !== 'done') onProgress(event);
        },
      }
    : options;
  const installed = await runPluginInstall(async () => {
    const download = await client.downloadPlugin(options.name, {
      source,
      signal,
    });
    platformSource = download.headers.get('x-plugin-source') ?? platformSource;
    return { body: download.body, contentLength: download.contentLength };
  }, pipelineOptions);
  const progress = (phase: 'report' | 'done'): void =>
    onProgress?.({
      phase,
      name: options.name,
      bytesDownloaded: installed.compressedBytes,
      totalBytes: null,
      entries: installed.entries,
      bytesWritten: installed.bytes,
    });

  let report: PluginReportOutcome | null = null;
  if (options.reportToPlatform ?? true) {
    progress('report');
    const reportSource = platformSource ?? `local://${options.name}`;
    try {
      const answer = await client.reportPluginInstall(options.name, {
        source: reportSource,
        signal,
      });
      report = answer.recorded
        ? { status: 'recorded' }
        : { status: 'not-supported', httpStatus: answer.status };
    } catch (error) {
      if (error instanceof ApiError && error.status === 503) {
        logger.info('the platform does not record plugin installs for remote workspaces (503)', {
          plugin: options.name,
        });
        report = { status: 'not-supported', httpStatus: 503 };
      } else {
        const httpStatus = error instanceof ApiError ? error.status : null;
        const message = isMoleculeError(error) || error instanceof Error ? error.message : String(error);
        logger.warn('could not report the plugin install to the platform', {
          plugin: options.name,
          httpStatus,
          error: message,
        });
        report = { status: 'failed', httpStatus, error: message };
      }
    }
  }
  progress('done');
  return { ...installed, source: platformSource, report };
}
