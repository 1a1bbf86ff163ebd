import type { LoopRun } from '@molecule-ai/agent-core/loops';

/** Options of {@link stopOnProcessSignals} and the Node loops. */
export interface ProcessSignalOptions {
  /** Process signals that stop the loop cleanly. Default `['SIGINT', 'SIGTERM']`; `[]` for none. */
  stopSignals?: readonly NodeJS.Signals[] | undefined;
  /** Called on the first signal, before draining starts (e.g. to print "shutting down"). */
  onSignal?: ((signal: NodeJS.Signals) => void) | undefined;
}

/**
 * Calls `listener` on the first of `signals`. A second signal while the first is being handled
 * gets the default behaviour back (the process ends at once), so an impatient Ctrl-C still
 * works. Returns a function that removes the listeners.
 */
export function onStopSignals(
  signals: readonly NodeJS.Signals[],
  listener: (signal: NodeJS.Signals) => void,
): () => void {
  let stopping = false;
  const detach = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (stopping) {
      detach();
      process.kill(process.pid, signal);
      return;
    }
    stopping = true;
    listener(signal);
  }
  for (const signal of signals) process.on(signal, onSignal);
  return detach;
}

/**
 * Stops `run` (finishing in-flight handlers) on the first SIGINT or SIGTERM. A second signal
 * while draining gets the default behaviour back (the process ends at once), so an impatient
 * Ctrl-C still works. The listeners are removed when the loop ends. Returns a function that
 * removes them earlier.
 */
export function stopOnProcessSignals(run: LoopRun, options: ProcessSignalOptions = {}): () => void {
  const detach = onStopSignals(options.stopSignals ?? ['SIGINT', 'SIGTERM'], (signal) => {
    options.onSignal?.(signal);
    void run.stop();
  });
  void run.done.then(detach, detach);
  return detach;
}
