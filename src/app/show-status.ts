import { classifySoa } from '../domain/soa-state';
import { StatusEntry, renderStatusText } from '../cards/status-report';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { describeError } from './messages';
import { bulkDirectoryOf } from './bulk/directory-as-bulk';

/** `status <upn>`: read-only, no approval, available to requesters and approvers. */
export async function showStatus(deps: AppDeps, input: { actorId: string; upns: string[] }): Promise<string> {
  const allowed = (await deps.authorization.isRequester(input.actorId)) || (await deps.authorization.isApprover(input.actorId));
  if (!allowed) return describeError({ code: 'REQUESTER.NOT_ALLOWED' });
  try {
    // Every user and SOA flag in one round of Graph batches: one round trip, not two per user.
    const read = await bulkDirectoryOf(deps).getUsersWithSoa(input.upns);
    const entries: StatusEntry[] = input.upns.map((upn) => {
      const r = read.get(upn);
      if (!r || !r.ok) throw r ? r.error : new DirectoryError('GRAPH.UNKNOWN', 'missing from the batch answer');
      const { user, isCloudManaged } = r.value;
      return { upn, user, isCloudManaged, state: classifySoa(user, isCloudManaged) };
    });
    return renderStatusText(entries);
  } catch (error) {
    if (error instanceof DirectoryError) {
      return `I could not read the user from Microsoft Graph. ${describeError({ code: error.code, detail: { permission: error.details.permission ?? null } })}`;
    }
    throw error;
  }
}
