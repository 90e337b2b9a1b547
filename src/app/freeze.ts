import { StoredSetting } from '../ports/settings-store';
import { AppDeps } from './app-deps';
import { Reply, answered, refusal } from './reply';
import { escapeMarkdown as md } from '../cards/markdown-text';

const KEY = 'executions.frozen';

/** The kill switch: while frozen no execution starts (approvals still work; approved requests wait). */
export async function frozenState(deps: Pick<AppDeps, 'settingsStore'>): Promise<StoredSetting | null> {
  const setting = await deps.settingsStore.get(KEY);
  return setting && setting.value === 'true' ? setting : null;
}

export async function setFrozen(deps: AppDeps, input: { actorId: string; actorName: string; frozen: boolean; reason: string }): Promise<Reply> {
  if (!(await deps.authorization.isAdmin(input.actorId))) return refusal({ code: 'ADMIN.ONLY', detail: { action: input.frozen ? 'freeze' : 'unfreeze' } });
  const at = deps.clock.now().toISOString();
  await deps.settingsStore.set(KEY, { value: String(input.frozen), updatedAt: at, updatedBy: input.actorId });
  deps.logger.warn(
    { actorId: input.actorId, frozen: input.frozen, reason: input.reason.slice(0, 200) },
    input.frozen ? 'executions frozen' : 'executions unfrozen',
  );
  if (!input.frozen) {
    deps.kickJobs();
    return answered(`Executions unfrozen by ${md(input.actorName, 100)}. Approved requests that were waiting start now.`);
  }
  return answered(
    `🧊 Executions frozen by ${md(input.actorName, 100)}${input.reason ? ` (${md(input.reason, 200)})` : ''}. Nothing will be changed in the directory until an admin writes \`unfreeze\`. Requests can still be made and approved; they wait.`,
  );
}
