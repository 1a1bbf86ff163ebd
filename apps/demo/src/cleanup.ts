import { TimeoutError } from '@molecule-ai/agent-core';

/** Things to undo at the end, in reverse order: loops, servers, temp folders. */
export class Cleanup {
  private readonly tasks: Array<{ name: string; run: () => Promise<unknown> }> = [];

  add(name: string, run: () => Promise<unknown>): void {
    this.tasks.push({ name, run });
  }

  /** Runs every task, newest first; a task that fails or hangs past `timeoutMs` does not stop the others. */
  async runAll(timeoutMs = 5_000): Promise<string[]> {
    const failures: string[] = [];
    while (this.tasks.length > 0) {
      const task = this.tasks.pop()!;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([
          task.run(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new TimeoutError(`timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } catch (error) {
        failures.push(`${task.name}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return failures;
  }
}
