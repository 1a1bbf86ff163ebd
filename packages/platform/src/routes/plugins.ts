/**
 * `GET /workspaces/:id/plugins/:name/download` and `POST /workspaces/:id/plugins`.
 */
import type { RequestContext } from '../context.js';
import { bindOrNull, type StructSpec } from '../go-bind.js';
import { errorResponse, type SimResponse } from '../http.js';
import { canonicalUuid } from '../ids.js';
import { isStageError, stagePlugin } from '../plugins/stage.js';
import { treeToTarEntries } from '../plugins/tree.js';
import { gzip } from '../tar/gzip.js';
import { writeTar } from '../tar/tar-writer.js';
import { sha256Hex } from '../tokens.js';

/** `PLUGIN_INSTALL_BODY_MAX_BYTES` default. */
export const INSTALL_BODY_MAX = 65536;

/** Builds the `.tar.gz` the platform would serve for a staged tree. */
async function packPlugin(
  ctx: RequestContext,
  tree: Parameters<typeof treeToTarEntries>[0],
): Promise<Uint8Array> {
  const mtime = Math.round(ctx.core.now() / 1000);
  return gzip(writeTar(treeToTarEntries(tree, mtime, ctx.core.options.tarOwner)));
}

/** Download: the whole archive is built before sending (no partial 200s). */
export async function downloadPlugin(ctx: RequestContext): Promise<SimResponse> {
  const name = ctx.params.name!;
  if (name.includes('/') || name.includes('\\') || name.includes('..')) {
    return errorResponse(400, 'invalid plugin name');
  }
  if (!canonicalUuid(ctx.params.id!) || ctx.datastoreDown) return errorResponse(500, 'auth check failed');
  const raw = ctx.query.get('source') || `local://${name}`;
  const staged = await stagePlugin(ctx.core, raw, name);
  if (isStageError(staged)) return staged;
  const archive = await packPlugin(ctx, staged.tree);
  const headers = new Headers({
    'Content-Type': 'application/gzip',
    'Content-Disposition': `attachment; filename="${staged.name}.tar.gz"`,
    'Content-Length': String(archive.length),
    'X-Plugin-Name': staged.name,
    'X-Plugin-Source': staged.source,
  });
  return { status: 200, headers, body: archive };
}

const INSTALL: StructSpec = { source: { kind: 'string' }, sha256: { kind: 'string' } };

/**
 * Install: re-fetches and stages like download, checks the optional `sha256` of plugin.yaml and
 * the org allowlist, then tries to copy into the workspace container — which a remote
 * workspace does not have, so it ends in 503 `workspace container not running`.
 */
export async function installPlugin(ctx: RequestContext): Promise<SimResponse> {
  if (ctx.body.length > INSTALL_BODY_MAX) return errorResponse(400, 'invalid request body');
  const body = bindOrNull(ctx.body, INSTALL);
  if (!body) return errorResponse(400, 'invalid request body');
  const source = (body.source as string | undefined) ?? '';
  if (!source) {
    return errorResponse(400, `'source' is required (e.g. "local://my-plugin" or "github://owner/repo")`);
  }
  const staged = await stagePlugin(ctx.core, source, null);
  if (isStageError(staged)) return staged;
  const expected = (body.sha256 as string | undefined) ?? '';
  if (expected) {
    const yaml = staged.tree.get('plugin.yaml');
    if (yaml?.type !== 'file') {
      return errorResponse(422, 'sha256 check failed: plugin.yaml not found in staged plugin', { source });
    }
    const got = await sha256Hex(yaml.content);
    if (got !== expected.toLowerCase()) {
      return errorResponse(422, `sha256 mismatch: expected ${expected}, got ${got}`, { source });
    }
  }
  const allow = ctx.core.options.pluginAllowlist;
  if (allow.length > 0 && !allow.includes(staged.name)) {
    return errorResponse(403, `plugin "${staged.name}" is not in the org allowlist`);
  }
  // No workspace in the simulator has a container (remote agents never do).
  return errorResponse(503, 'workspace container not running');
}
