/**
 * Resolving a plugin source and staging it (`plugins/source.go: ParseSource`, the `local` and
 * `github` resolvers, the size limit and the manifest check). Shared by download and install.
 */
import type { SimCore } from '../core.js';
import { errorResponse, type SimResponse } from '../http.js';
import { verifyManifest } from './digest.js';
import { type PluginTree, stagedBytes, toPluginTree } from './tree.js';

const PLUGIN_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** `validatePluginName`: what the server checks a resolved name with (a GitHub repo name keeps its capitals). */
const validPluginName = (name: string): boolean =>
  name !== '' && !name.includes('/') && !name.includes('\\') && !name.includes('..');
const SCHEMES = ['github', 'local'];

/** A staged plugin. */
export interface StagedPlugin {
  name: string;
  tree: PluginTree;
  /** Normalised `<scheme>://<spec>`. */
  source: string;
}

/** Resolves and stages; returns the error response the server would send on failure. */
export async function stagePlugin(
  core: SimCore,
  rawSource: string,
  requestedName: string | null,
): Promise<StagedPlugin | SimResponse> {
  const idx = rawSource.indexOf('://');
  const scheme = idx < 0 ? 'local' : rawSource.slice(0, idx);
  const spec = idx < 0 ? rawSource : rawSource.slice(idx + 3);
  if (spec === '' || scheme === '') return errorResponse(400, 'invalid plugin source');
  if (!SCHEMES.includes(scheme)) {
    return errorResponse(400, 'failed to resolve plugin source', { available_schemes: SCHEMES });
  }
  const fetchFailed = (status: number): SimResponse =>
    errorResponse(status, `failed to fetch plugin from ${scheme}`, { source: rawSource });

  let tree: PluginTree | undefined;
  let name: string;
  if (scheme === 'local') {
    if (!PLUGIN_NAME.test(spec)) return fetchFailed(502);
    name = spec;
    tree = core.store.plugins.get(spec);
    if (!tree && core.options.pluginSource) {
      const source = core.options.pluginSource;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), core.options.pluginFetchTimeoutMs);
      });
      try {
        const files = await Promise.race([source(spec), timeout]);
        if (files === 'timeout') return fetchFailed(504);
        tree = files ? toPluginTree(files) : undefined;
      } catch {
        return fetchFailed(502);
      } finally {
        clearTimeout(timer);
      }
    }
  } else {
    const [repoPath = '', ref] = spec.split('#', 2) as [string, string | undefined];
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(repoPath);
    if (!m) return errorResponse(400, 'invalid plugin source');
    if (!ref && !core.options.pluginAllowUnpinned) {
      return errorResponse(422, 'unpinned github source: append a tag or commit SHA (e.g. #v1.0.0)', {
        source: rawSource,
      });
    }
    name = m[2]!;
    const found = core.store.githubPlugins.get(`${repoPath}#${ref ?? ''}`);
    if (found) {
      tree = new Map([...found].filter(([p]) => p !== '.git' && !p.startsWith('.git/')));
    }
  }
  if (!tree) return fetchFailed(404);
  if (!validPluginName(name)) {
    return errorResponse(400, 'resolver returned invalid plugin name', { source: rawSource });
  }
  if (requestedName !== null && name !== requestedName) {
    return errorResponse(400, `source resolved to plugin "${name}" but URL requested "${requestedName}"`, {
      resolved_name: name,
      requested_name: requestedName,
    });
  }
  if (stagedBytes(tree) > core.options.pluginMaxDirBytes) {
    return errorResponse(413, 'staged plugin exceeds size limit', { source: rawSource });
  }
  if ((await verifyManifest(tree)) !== null) {
    return errorResponse(422, 'plugin manifest integrity check failed', { source: rawSource });
  }
  return { name, tree, source: `${scheme}://${spec}` };
}

/** True when {@link stagePlugin} failed. */
export function isStageError(v: StagedPlugin | SimResponse): v is SimResponse {
  return 'status' in v;
}
