import { ConfigError } from '../errors.js';

/** A workspace id as the platform issues it: a UUID (any case). */
const WORKSPACE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks that `workspaceId` has the shape of a platform workspace id (a UUID) and returns it.
 * The platform creates a workspace for any id it does not know at register, so a truncated or
 * pasted-wrong id must be caught here, before the first request. `from` names where the id came
 * from (an option or an environment variable) in the message.
 *
 * @example
 * checkWorkspaceId(process.env.MOLECULE_WORKSPACE_ID ?? '', 'MOLECULE_WORKSPACE_ID');
 */
export function checkWorkspaceId(workspaceId: string, from = 'workspaceId'): string {
  if (typeof workspaceId === 'string' && WORKSPACE_UUID.test(workspaceId)) return workspaceId;
  const shown =
    typeof workspaceId !== 'string'
      ? typeof workspaceId
      : workspaceId.length > 60
        ? `${JSON.stringify(workspaceId.slice(0, 60))}…`
        : JSON.stringify(workspaceId);
  throw new ConfigError(
    `${from} must be a workspace id, a UUID such as 0b9f6a3e-5c1d-4e7a-9b2f-3c4d5e6f7a8b, got ${shown}: ` +
      "copy it from the workspace's page on the platform",
  );
}
