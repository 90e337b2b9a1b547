import { entitlement } from '../domain/approval-policy';
import { Person, RequestKind } from '../domain/soa-request';
import { RequestCursor, RequestSummary } from '../ports/request-store';
import { AppDeps } from './app-deps';
import { activeDelegations, approverRightsFor } from './approver-rights';
import { say } from './wording';
import { Reply, answered } from './reply';

/** At most this many candidates are looked at (oldest first); more waiting requests than that is an incident, not a list. */
const SCAN_LIMIT = 2_000;
const PAGE = 200;

export interface WaitingRequest {
  request: RequestSummary;
  action: 'decide' | 'resume-or-cancel';
}

/**
 * The one query of "what waits for this person", oldest first: pending requests whose open stage they
 * may decide now (the approval policy's entitlement: own right, escalation, delegation; never their
 * own request, never one they already count in) and halted waves of a kind they approve, to resume or
 * cancel (not their own: resuming is an approval). The chat's `pending` and the tab's waiting list both
 * use it; the decide use case checks everything again on each decision.
 */
export async function waitingFor(deps: AppDeps, person: Person): Promise<{ items: WaitingRequest[]; truncated: boolean }> {
  const me = person.aadObjectId.toLowerCase();
  const now = deps.clock.now();
  const delegations = await activeDelegations(deps);
  const haltedKinds = new Map<RequestKind, Promise<boolean>>();
  const items: WaitingRequest[] = [];
  let after: RequestCursor | null = null;
  let scanned = 0;
  do {
    const page = await deps.requests.listPage({ statuses: ['pending', 'halted'], order: 'oldest-first', limit: PAGE, after });
    for (const r of page.requests) {
      if (r.requester.aadObjectId.toLowerCase() === me) continue;
      if (r.status === 'halted') {
        if (!haltedKinds.has(r.kind))
          haltedKinds.set(
            r.kind,
            deps.authorization.isApproverFor(r.kind, me).catch(() => false),
          );
        if (await haltedKinds.get(r.kind)) items.push({ request: r, action: 'resume-or-cancel' });
        continue;
      }
      if (Date.parse(r.expiresAt) <= now.getTime()) continue;
      // The policy reads no targets: the list row is enough.
      const rights = await approverRightsFor(deps, r, me, delegations).catch(() => null);
      if (rights && entitlement(r, person, rights).ok) items.push({ request: r, action: 'decide' });
    }
    scanned += page.requests.length;
    after = page.next;
  } while (after && scanned < SCAN_LIMIT);
  return { items, truncated: after !== null };
}

/** `pending` in chat: the same list as the tab's, as text, oldest first with its age. */
export async function pendingText(deps: AppDeps, person: Person): Promise<Reply> {
  const { items, truncated } = await waitingFor(deps, person);
  const now = deps.clock.now().getTime();
  return answered(
    say.waitingList(
      items.map(({ request: r, action }) => ({ request: r, action, age: ageText(now - Date.parse(r.createdAt)) })),
      truncated,
    ),
  );
}

function ageText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
}
