// The few parts of the `Deno` namespace these tests use, so `tsc` checks them like every other
// test file (`deno types` emits declarations that only Deno's own checker can read).
declare namespace Deno {
  function test(name: string, fn: () => Promise<void> | void): void;
  function serve(
    options: { hostname: string; port: number; onListen?(): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
  function remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  function removeSync(path: string, options?: { recursive?: boolean }): void;
  const env: { get(name: string): string | undefined };
}
