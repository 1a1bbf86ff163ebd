import { existsSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@molecule-ai/agent-core';

const SPEC_HINT = "expected FILE or FILE#EXPORT, e.g. './agent.js#onMessage'";

/** A parsed `--handler` value: the module file and the export to call. */
export interface HandlerSpec {
  file: string;
  /** `default` when no `#export` is given. */
  exportName: string;
}

/** Splits `./agent.js#onMessage` (at the last `#`) and checks both halves are present. */
export function parseHandlerSpec(spec: string): HandlerSpec {
  const text = spec.trim();
  if (text === '') throw new ConfigError(`--handler is empty: ${SPEC_HINT}`);
  const hash = text.lastIndexOf('#');
  const file = hash === -1 ? text : text.slice(0, hash);
  const exportName = hash === -1 ? 'default' : text.slice(hash + 1);
  if (file === '')
    throw new ConfigError(`--handler '${text}' is malformed: the module path is empty (${SPEC_HINT})`);
  if (exportName === '') {
    throw new ConfigError(
      `--handler '${text}' is malformed: the export name after '#' is empty (${SPEC_HINT})`,
    );
  }
  return { file, exportName };
}

/** The Python SDK's `module.path:function` form. */
const PYTHON_HANDLER = /^([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*):([A-Za-z_][A-Za-z0-9_]*)$/;

/** For `agent.handlers:on_message`, a hint towards `./agent/handlers.js#on_message`; else `""`. */
function pythonFormHint(spec: string): string {
  const match = PYTHON_HANDLER.exec(spec.trim());
  if (!match) return '';
  const [, module, exportName] = match as unknown as [string, string, string];
  const file = `./${module.split('.').join('/')}.js`;
  return `. '${spec.trim()}' looks like the Python SDK's module:function form; here --handler is FILE#EXPORT, e.g. '${file}#${exportName}'`;
}

/**
 * Imports the module named by `--handler` (relative to `cwd`) and returns the exported
 * function. Every way this can fail is a {@link ConfigError} whose message says what to fix.
 */
export async function loadHandler(spec: string, cwd: string): Promise<(...args: never[]) => unknown> {
  const { file, exportName } = parseHandlerSpec(spec);
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const label = file;
  if (!existsSync(path)) {
    throw new ConfigError(`could not import ${label}: no such file (${path})${pythonFormHint(spec)}`);
  }
  if (statSync(path).isDirectory())
    throw new ConfigError(`could not import ${label}: it is a directory, not a module`);
  if (['.ts', '.mts', '.cts', '.tsx'].includes(extname(path))) {
    throw new ConfigError(
      `could not import ${label}: Node cannot run TypeScript directly; compile it to .js first`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`could not import ${label}: ${reason}`, { cause: error });
  }
  if (!(exportName in module)) {
    const available = Object.keys(module).filter((key) => key !== '__esModule');
    const what = exportName === 'default' ? 'has no default export' : `has no export '${exportName}'`;
    const hint =
      available.length > 0 ? ` (it exports: ${available.join(', ')}; pick one with '${file}#NAME')` : '';
    throw new ConfigError(`${label} ${what}${hint}`);
  }
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    const kind = handler === null ? 'null' : typeof handler;
    throw new ConfigError(`${label}#${exportName} is not a function (it is ${kind})`);
  }
  return handler as (...args: never[]) => unknown;
}
