// The one export of the pool's virtual module these tests use (kept minimal to avoid pulling
// workers-types into the DOM-typed test project).
declare module 'cloudflare:test' {
  export const SELF: { fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> };
}
