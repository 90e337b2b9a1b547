import { StoredSetting } from '../ports/settings-store';
import { AppDeps } from './app-deps';
import { Reply, answered, refusal } from './reply';
import { checkRole } from './role-check';
import { say } from './wording';

const KEY = 'executions.frozen';

/** The kill switch: while frozen no execution starts (approvals still work; approved requests wait). */
export async function frozenState(deps: Pick<AppDeps, 'settingsStore'>): Promise<StoredSetting | null> {
  const setting = await deps.settingsStore.get(KEY);
  return setting && setting.value === 'true' ? setting : null;
}

export async function setFrozen(deps: AppDeps, input: { actorId: string; actorName: string; frozen: boolean; reason: string }): Promise<Reply> {
  const admin = await checkRole(deps, () => deps.authorization.isAdmin(input.actorId), { useCase: 'freeze', actorId: input.actorId });
  if (!admin.ok) return refusal(admin.error);
  if (!admin.value) return refusal({ code: 'ADMIN.ONLY', detail: { action: input.frozen ? 'freeze' : 'unfreeze' } });
  const at = deps.clock.now().toISOString();
  await deps.settingsStore.set(KEY, { value: String(input.frozen), updatedAt: at, updatedBy: input.actorId });
  deps.logger.warn(
    { actorId: input.actorId, frozen: input.frozen, reason: input.reason.slice(0, 200) },
    input.frozen ? 'executions frozen' : 'executions unfrozen',
  );
  if (!input.frozen) {
    deps.kickJobs();
    return answered(say.unfrozen(input.actorName));
  }
  return answered(say.frozen(input.actorName, input.reason));
}
