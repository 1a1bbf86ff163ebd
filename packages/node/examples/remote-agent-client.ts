// remote-agent-client.ts: RemoteAgentClient(workspace_id=..., platform_url=...), then register().

import { createAgentClient } from '@molecule-ai/agent-node';

// Options fall back to MOLECULE_PLATFORM_URL, MOLECULE_WORKSPACE_ID, MOLECULE_WORKSPACE_TOKEN, ...;
// the token lives in ~/.molecule/<id>/.auth_token (MOLECULE_TOKEN_DIR moves it), as in Python.
const client = createAgentClient({
  workspaceId: process.env.WORKSPACE_ID,
  platformUrl: process.env.PLATFORM_URL,
});
await client.register();
