import { z } from 'zod';
import { PreflightResult } from '../../domain/preflight';
import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';
import { directoryFor } from '../bulk/directory-as-bulk';
import { candidatesOf, groupTargetsOf } from '../request-group';
import { blockerText } from '../wording';
import { checkGroupTargets, checkTargets } from '../target-checks';
import { userCountOverLimit } from '../user-limits';
import { TabViewer } from './tab-viewer';
import { Reply, done, refusal } from '../reply';
import { TargetFields, targetsOf } from './tab-targets';

const PreflightBody = z
  .object({
    ...TargetFields,
  })
  .strict();

export interface PreflightRow {
  /** The user's UPN, or the group's display name. */
  upn: string;
  /** The user's or the group's object id. */
  userId: string | null;
  displayName: string | null;
  state: string;
  ok: boolean;
  reason: string | null;
  warnings: string[];
  /** Groups only: the nesting level (0 = the group asked for); a tree lists its deepest level first. */
  level?: number;
}

/**
 * POST /api/tab/preflight: what a request for these users (or this group, with its nested groups) would
 * find, with the SAME checks as chat (target-checks.ts reading the directory, target-policy.ts
 * deciding; a group resolved as `transfer group` resolves it), and nothing created. Only requesters,
 * within their user limit (the same as for a request): a preflight costs Graph calls.
 */
export async function preflightFromTab(deps: AppDeps, viewer: TabViewer, body: unknown): Promise<Reply<{ targets: PreflightRow[] }>> {
  if (!viewer.roles.requester) return refusal({ code: 'REQUESTER.NOT_ALLOWED' });
  const parsed = PreflightBody.safeParse(body);
  if (!parsed.success) return refusal({ code: 'TAB.BAD_BODY', detail: { expected: 'preflight' } });
  const { kind } = parsed.data;
  const targets = targetsOf(parsed.data);
  if ('error' in targets) return refusal({ code: 'TAB.BAD_BODY', detail: { expected: 'preflight', reason: targets.error } });
  try {
    if ('group' in targets) {
      const groups = await groupTargetsOf(deps, { kind, actor: viewer.person, group: targets.group, nested: targets.nested });
      if (!groups.ok) return refusal(groups.error, candidatesOf(groups.error));
      const results = await checkGroupTargets(deps, kind, groups.value.groups);
      return done({ targets: results.map((r) => ({ ...rowOf(r, 'group'), level: r.depth ?? 0 })) });
    }
    const over = await userCountOverLimit(deps, viewer.person.aadObjectId, targets.upns.length);
    if (over) return refusal({ code: 'COMMAND.TOO_MANY_UPNS', detail: over });
    const batched = targets.upns.length > deps.settings.bulkMinUsers;
    const results = await checkTargets(deps, directoryFor(deps, batched), kind, targets.upns);
    return done({ targets: results.map((r) => rowOf(r, 'user')) });
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    deps.logger.warn({ useCase: 'tab-preflight', code: error.code, graphRequestId: error.details.requestId ?? null }, 'directory error during a tab preflight');
    return refusal({ code: error.code, detail: { permission: error.details.permission ?? null } });
  }
}

function rowOf(r: PreflightResult, targetType: 'user' | 'group'): PreflightRow {
  return {
    upn: r.upn,
    userId: r.userId,
    displayName: r.displayName,
    state: r.state,
    ok: r.eligible,
    reason: r.eligible ? null : blockerText(r, targetType),
    warnings: r.warnings,
  };
}
