import { RequestKind } from '../../domain/transfer-request';
import { RequestCursor, RequestSummary } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { NO_ROLE, TabAnswer, TabViewer } from './tab-viewer';
import { summaryView } from './request-views';

/** At most this many candidates are looked at (oldest first); more waiting requests than that is an incident, not a list. */
const SCAN_LIMIT = 2_000;
const PAGE = 200;

/**
 * GET /api/tab/waiting: what this person may decide now, oldest first: pending transfers for transfer
 * approvers and pending rollbacks for rollback approvers (not yet expired, not their own, not already
 * decided by them), and halted waves of a kind they approve to resume (not their own: resuming is an
 * approval). The same rules the card applies (request-access.ts personalView); the decide use case checks
 * them again on every decision.
 */
export async function waitingForMe(deps: AppDeps, viewer: TabViewer): Promise<TabAnswer<{ items: ReturnType<typeof waitingItem>[]; truncated: boolean }>> {
  const kinds: RequestKind[] = [...(viewer.roles.approver ? ['transfer' as const] : []), ...(viewer.roles['rollback-approver'] ? ['rollback' as const] : [])];
  if (kinds.length === 0) return hasOtherRole(viewer) ? { ok: true, value: { items: [], truncated: false } } : NO_ROLE;
  const me = viewer.person.aadObjectId;
  const now = deps.clock.now();
  const items: ReturnType<typeof waitingItem>[] = [];
  let after: RequestCursor | null = null;
  let scanned = 0;
  do {
    const page = await deps.requests.listPage({ statuses: ['pending', 'halted'], kinds, order: 'oldest-first', limit: PAGE, after });
    for (const r of page.requests) {
      if (r.requester.aadObjectId.toLowerCase() === me) continue;
      if (r.status === 'pending') {
        if (Date.parse(r.expiresAt) <= now.getTime()) continue;
        if (r.decisions.some((d) => d.by.aadObjectId.toLowerCase() === me)) continue;
      }
      items.push(waitingItem(r, now));
    }
    scanned += page.requests.length;
    after = page.next;
  } while (after && scanned < SCAN_LIMIT);
  return { ok: true, value: { items, truncated: after !== null } };
}

function waitingItem(r: RequestSummary, now: Date) {
  return {
    ...summaryView(r, now),
    action: r.status === 'halted' ? ('resume-or-cancel' as const) : ('decide' as const),
    approvals: r.decisions.filter((d) => d.decision === 'approve').length,
    approvalsRequired: r.approvalsRequired,
  };
}

function hasOtherRole(viewer: TabViewer): boolean {
  return viewer.roles.requester || viewer.roles.admin;
}
