import { classifySoa } from '../domain/soa-state';
import { StatusEntry, renderStatusText } from '../cards/status-report';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { describeError } from './messages';

/** `status <upn>`: read-only, no approval, available to requesters and approvers. */
export async function showStatus(deps: AppDeps, input: { actorId: string; upns: string[] }): Promise<string> {
  const allowed = (await deps.authorization.isRequester(input.actorId)) || (await deps.authorization.isApprover(input.actorId));
  if (!allowed) return describeError({ code: 'REQUESTER.NOT_ALLOWED' });
  try {
    const entries: StatusEntry[] = [];
    for (const upn of input.upns) {
      const user = await deps.directory.getUser(upn);
      const isCloudManaged = user ? await deps.directory.getCloudManaged(user.id) : null;
      entries.push({ upn, user, isCloudManaged, state: classifySoa(user, isCloudManaged) });
    }
    return renderStatusText(entries);
  } catch (error) {
    if (error instanceof DirectoryError) {
      return `I could not read the user from Microsoft Graph. ${describeError({ code: error.code, detail: { permission: error.details.permission ?? null } })}`;
    }
    throw error;
  }
}
