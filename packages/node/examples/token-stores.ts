// token-stores.ts: the stores runAgent and createAgentClient use by default, made by hand.

import { createEnvTokenStore, createFileCursorStore, createFileTokenStore } from '@molecule-ai/agent-node';

const tokenStore = createFileTokenStore(); // $MOLECULE_TOKEN_DIR or ~/.molecule, then <workspace id>/.auth_token
const cursorStore = createFileCursorStore(); // the same folder: <workspace id>/inbound-cursor.json
const layered = createEnvTokenStore({ fallback: tokenStore }); // MOLECULE_WORKSPACE_TOKEN first, never written

const workspaceId = process.env.MOLECULE_WORKSPACE_ID ?? '<your workspace id>';
console.log(`token file: ${tokenStore.describe(workspaceId)}`);
console.log(`cursor file: ${cursorStore.describe(workspaceId)}`);
console.log(`token from: ${layered.describe?.(workspaceId)}`);
