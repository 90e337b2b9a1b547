import { classifySoa } from '../domain/soa-state';
import { StatusEntry, renderStatusReport } from '../cards/status-report';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { say } from './wording';
import { Reply, answered, refusal } from './reply';
import { checkRole } from './role-check';
import { bulkDirectoryOf } from './bulk/directory-as-bulk';
import { userCountOverLimit } from './user-limits';
import { storeStatusReport } from './status-report-file';

/**
 * What one answer may carry: Teams refuses messages over about 28 KB (activity and all); the text,
 * measured as the JSON string it travels as, stays at 22 KiB, leaving room for the activity around it.
 */
export const STATUS_MESSAGE_MAX_BYTES = 22 * 1024;

/**
 * `status <upn>`: read-only, no approval, available to requesters and approvers, for at most as many
 * users as the person may put in one request (refused before any user is looked up). An answer too
 * long for one message shows the first users and links the full report as CSV (or, without
 * PUBLIC_BASE_URL, says how many were left out and how to see them).
 */
export async function showStatus(deps: AppDeps, input: { actorId: string; upns: string[] }): Promise<Reply> {
  const allowed = await checkRole(
    deps,
    async () => (await deps.authorization.isRequester(input.actorId)) || (await deps.authorization.isApprover(input.actorId)),
    { useCase: 'show-status', actorId: input.actorId },
  );
  if (!allowed.ok) return refusal(allowed.error);
  if (!allowed.value) return refusal({ code: 'REQUESTER.NOT_ALLOWED' });
  try {
    const overLimit = await userCountOverLimit(deps, input.actorId, input.upns.length);
    if (overLimit) return refusal({ code: 'STATUS.TOO_MANY_UPNS', detail: overLimit });
    // Every user and SOA flag in one round of Graph batches: one round trip, not two per user.
    const read = await bulkDirectoryOf(deps).getUsersWithSoa(input.upns);
    const entries: StatusEntry[] = input.upns.map((upn) => {
      const r = read.get(upn);
      if (!r || !r.ok) throw r ? r.error : new DirectoryError('GRAPH.UNKNOWN', 'missing from the batch answer');
      const { user, isCloudManaged } = r.value;
      return { upn, user, isCloudManaged, state: classifySoa(user, isCloudManaged) };
    });
    const fits = renderStatusReport(entries, { maxBytes: STATUS_MESSAGE_MAX_BYTES, rest: () => '' });
    if (fits.shown === entries.length) return answered(fits.text);
    const link = await storeStatusReport(deps, input.actorId, entries);
    const total = entries.length;
    const report = renderStatusReport(entries, {
      maxBytes: STATUS_MESSAGE_MAX_BYTES,
      rest: (shown) => say.statusCut({ shown, total, link, linkMinutes: deps.fileLinks.ttlMinutes, nextUpn: entries[shown].upn }),
    });
    return answered(report.text);
  } catch (error) {
    if (error instanceof DirectoryError) {
      return refusal({ code: error.code, detail: { permission: error.details.permission ?? null, reading: 'user' } });
    }
    throw error;
  }
}
