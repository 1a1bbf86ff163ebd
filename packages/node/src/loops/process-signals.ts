import type { LoopRun } from '@molecule-ai/agent-core/loops';

/** Options of {@link stopOnProcessSignals} and the Node loops. */
export interface ProcessSignalOptions {
  /** Process signals that stop the loop cleanly. Default `['SIGINT', 'SIGTERM']`; `[]` for none. */
  stopSignals?: readonly NodeJS.Signals[];
  /** Called on the first signal, before draining starts (e.g. to print "shutting down"). */
  onSignal?: (signal: NodeJS.Signals) => void;
}

/**
 * Stops `run` (finishing in-flight handlers) on the first SIGINT or SIGTERM. A second signal
 * while draining gets the default behaviour back (the process ends at once), so an impatient
 * Ctrl-C still works. The listeners are removed when the loop ends. Returns a function that
 * removes them earlier.
 */
export function stopOnProcessSignals(run: LoopRun, options: ProcessSignalOptions = {}): () => void {
  const signals = options.stopSignals ?? ['SIGINT', 'SIGTERM'];
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
    options.onSignal?.(signal);
    void run.stop();
  }
  for (const signal of signals) process.on(signal, onSignal);
  void run.done.then(detach, detach);
  return detach;
}
