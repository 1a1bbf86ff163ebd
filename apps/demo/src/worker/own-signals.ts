const SIGNALS: ReadonlySet<string | symbol> = new Set(['SIGINT', 'SIGTERM']);
const REGISTRATIONS = ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const;

type Register = (
  this: NodeJS.Process,
  event: string | symbol,
  listener: (...args: unknown[]) => void,
) => NodeJS.Process;

/**
 * Runs `fn` while refusing the SIGINT/SIGTERM listeners it tries to add. Importing `wrangler`
 * installs listeners that call `process.exit()` at once, and Miniflare adds its own that exit with
 * 130 after killing workerd: either would cut the demo's own Ctrl-C handling (stop, clean up,
 * print "stopped") short. Miniflare's `exit` hook, which kills workerd whatever happens, stays.
 */
export async function withoutForeignSignalHandlers<T>(fn: () => Promise<T>): Promise<T> {
  const target = process as unknown as Record<string, Register>;
  const saved = REGISTRATIONS.map((name) => [name, target[name]!] as const);
  for (const [name, original] of saved) {
    target[name] = function (event, listener) {
      return SIGNALS.has(event) ? this : original.call(this, event, listener);
    };
  }
  try {
    return await fn();
  } finally {
    for (const [name, original] of saved) target[name] = original;
  }
}
