import { RequestSummary } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { waitingFor } from '../waiting-requests';
import { NO_ROLE, TabViewer } from './tab-viewer';
import { Reply, done } from '../reply';
import { summaryView } from './request-views';

/**
 * GET /api/tab/waiting: what this person may decide now, oldest first, from the same query as the
 * chat's `pending` (waiting-requests.ts: the approval policy's stages, escalation and delegations; halted
 * waves to resume or cancel). Someone with no role and nothing waiting gets NO_ROLE.
 */
export async function waitingForMe(deps: AppDeps, viewer: TabViewer): Promise<Reply<{ items: ReturnType<typeof waitingItem>[]; truncated: boolean }>> {
  const now = deps.clock.now();
  const { items, truncated } = await waitingFor(deps, viewer.person);
  if (items.length === 0 && !Object.values(viewer.roles).some(Boolean)) return NO_ROLE;
  return done({ items: items.map((i) => waitingItem(i.request, i.action, now)), truncated });
}

function waitingItem(r: RequestSummary, action: 'decide' | 'resume-or-cancel', now: Date) {
  return {
    ...summaryView(r, now),
    action,
    approvals: r.decisions.filter((d) => d.decision === 'approve').length,
    approvalsRequired: r.approvalsRequired,
  };
}
