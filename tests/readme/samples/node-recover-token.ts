import { recoverToken } from '@molecule-ai/agent-node';

const adminToken = process.env.MOLECULE_ADMIN_TOKEN;
if (!adminToken) throw new Error('set MOLECULE_ADMIN_TOKEN to the platform admin credential');
const { savedTo } = await recoverToken({
  platformUrl: 'https://your-platform.example',
  workspaceId: '<your workspace id>',
  adminToken,
});
console.log(`the new token is in ${savedTo}`);
