import { z } from 'zod';
import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';
import { directoryFor } from '../bulk/directory-as-bulk';
import { blockerText } from '../request-transfer';
import { checkTargets } from '../target-checks';
import { userCountOverLimit } from '../user-limits';
import { refused, TabAnswer, TabViewer } from './tab-viewer';
import { targetsOf, UpnList } from './tab-targets';

const PreflightBody = z.object({ kind: z.enum(['transfer', 'rollback']), upns: UpnList.optional(), csv: z.string().max(5_000_000).optional() }).strict();

export interface PreflightRow {
  upn: string;
  userId: string | null;
  displayName: string | null;
  state: string;
  ok: boolean;
  reason: string | null;
  warnings: string[];
}

/**
 * POST /api/tab/preflight: what a request for these users would find, with the SAME checks as chat
 * (target-checks.ts reading the directory, target-policy.ts deciding), and nothing created. Only
 * requesters, within their user limit (the same as for a request): a preflight costs Graph calls.
 */
export async function preflightFromTab(deps: AppDeps, viewer: TabViewer, body: unknown): Promise<TabAnswer<{ targets: PreflightRow[] }>> {
  if (!viewer.roles.requester) return refused(403, 'REQUESTER.NOT_ALLOWED');
  const parsed = PreflightBody.safeParse(body);
  if (!parsed.success) return refused(400, 'TAB.BAD_BODY', { expected: 'preflight' });
  const targets = targetsOf(parsed.data);
  if ('error' in targets) return refused(400, 'TAB.BAD_BODY', { expected: 'preflight', reason: targets.error });
  const over = await userCountOverLimit(deps, viewer.person.aadObjectId, targets.upns.length);
  if (over) return refused(400, 'COMMAND.TOO_MANY_UPNS', over);
  try {
    const batched = targets.upns.length > deps.settings.bulkMinUsers;
    const results = await checkTargets(deps, directoryFor(deps, batched), parsed.data.kind, targets.upns);
    return {
      ok: true,
      value: {
        targets: results.map((r) => ({
          upn: r.upn,
          userId: r.userId,
          displayName: r.displayName,
          state: r.state,
          ok: r.eligible,
          reason: r.eligible ? null : blockerText(r),
          warnings: r.warnings,
        })),
      },
    };
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error;
    deps.logger.warn({ useCase: 'tab-preflight', code: error.code, graphRequestId: error.details.requestId ?? null }, 'directory error during a tab preflight');
    return refused(503, error.code, { permission: error.details.permission ?? null });
  }
}
