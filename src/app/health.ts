import { AppDeps } from './app-deps';
import { frozenState } from './freeze';
import { Reply, answered, refusal } from './reply';
import { checkRole } from './role-check';
import { say } from './wording';
import { describeIdentity } from './self-check';

export interface Readiness {
  ready: boolean;
  /** For the log only: /readyz answers ready or not ready, nothing more. */
  reasons: string[];
}

/** `health` (admins only): a live check now, the start-up self-check's result, and the freeze. */
export async function healthReport(deps: AppDeps, actorId: string): Promise<Reply> {
  const admin = await checkRole(deps, () => deps.authorization.isAdmin(actorId), { useCase: 'health', actorId });
  if (!admin.ok) return refusal(admin.error);
  if (!admin.value) return refusal({ code: 'ADMIN.ONLY', detail: { action: 'health' } });
  const report = await deps.identity.check();
  const { lines } = describeIdentity(report, deps.clock.now());
  if (deps.startupCheck) lines.push(deps.startupCheck.summary());
  const freeze = await frozenState(deps);
  lines.push(say.freezeState(freeze ? freeze.updatedAt : null));
  return answered(say.healthReport(lines));
}

/**
 * /readyz: can this instance serve? Its database answers and it is not shutting down. Business state
 * (a freeze, the Graph token and its permissions) is not readiness: every instance shares it, so the
 * platform recycling instances cannot fix it, and /readyz is open to anyone. Admins see it with `health`.
 */
export async function readiness(deps: Pick<AppDeps, 'requests'>, options: { shuttingDown: () => boolean }): Promise<Readiness> {
  if (options.shuttingDown()) return { ready: false, reasons: ['shutting down'] };
  const store = await deps.requests.listByStatus(['pending'], 1).then(
    () => true,
    () => false,
  );
  return store ? { ready: true, reasons: [] } : { ready: false, reasons: ['database unreachable'] };
}
