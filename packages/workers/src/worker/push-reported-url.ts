import { ConfigError } from '@molecule-ai/agent-core';

/**
 * The URL an agent registers: with push on, the public URL (trailing slashes dropped) followed by
 * the push path, so the platform's pushes reach the path the Worker routes; without push, whatever
 * `reportedUrl` says (possibly nothing: the client then registers the poll-only placeholder).
 * A push configuration without a public URL is a ConfigError: nothing could reach the agent.
 */
export function pushReportedUrl(
  pushPath: string | null,
  publicUrl: string | undefined,
  reportedUrl: () => string | undefined,
): string | undefined {
  if (pushPath === null) return reportedUrl();
  if (!publicUrl) throw new ConfigError('push.url(env) returned nothing');
  return publicUrl.replace(/\/+$/, '') + pushPath;
}
