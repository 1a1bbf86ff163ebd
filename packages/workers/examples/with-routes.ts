// src/index.ts: the agent of src/worker.ts next to routes of your own (wrangler's `main` is this file).

import type { ExecutionContextLike } from '@molecule-ai/agent-workers';
import agent, { type Env } from './worker.js';

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContextLike): Promise<Response> | Response =>
    new URL(request.url).pathname === '/health' ? new Response('ok') : agent.fetch(request, env, ctx),
  scheduled: agent.scheduled,
};
