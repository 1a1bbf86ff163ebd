import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { AgentTickReport } from '../../../src/index.js';
import { alarmReports, durableSim, WORKSPACES_KEY } from './durable.js';

/** A fresh external workspace in the simulator, added to the Worker's list of served workspaces. */
export async function newServedWorkspace(url = 'https://agent.example/unused'): Promise<string> {
  const { id } = await durableSim.admin.createWorkspace({ external: true, url });
  const listed = (await env.AGENT_KV.get(WORKSPACES_KEY)) ?? '';
  await env.AGENT_KV.put(WORKSPACES_KEY, listed ? `${listed},${id}` : id);
  return id;
}

/** The object of a workspace in a namespace (what the Worker's routing addresses). */
export function objectOf(namespace: DurableObjectNamespace, workspaceId: string): DurableObjectStub {
  return namespace.get(namespace.idFromName(workspaceId));
}

/** Fires the object's scheduled alarm now; its report, or `null` when no alarm was scheduled. */
export async function fireAlarm(stub: DurableObjectStub): Promise<AgentTickReport | null> {
  const before = alarmReports.length;
  const ran = await runDurableObjectAlarm(stub);
  if (!ran) return null;
  const report = alarmReports[before];
  if (!report) throw new Error('the alarm ran but reported nothing');
  return report;
}

/** Reads one key of the object's storage. */
export function storedIn<T>(stub: DurableObjectStub, key: string): Promise<T | undefined> {
  return runInDurableObject(stub, (_instance: unknown, state) => state.storage.get<T>(key));
}

/** Every key of the object's storage. */
export async function storedKeys(stub: DurableObjectStub): Promise<string[]> {
  return runInDurableObject(stub, async (_instance: unknown, state) => [
    ...(await state.storage.list()).keys(),
  ]);
}
