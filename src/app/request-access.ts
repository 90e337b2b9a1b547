import { conversationHoldsRequest } from '../domain/card-binding';
import { Person, SoaRequest } from '../domain/soa-request';
import { AdaptiveCard } from '../cards/adaptive-card';
import { renderRequestCard } from '../cards/request-card';
import { AppDeps, safeguardSwitchAppId } from './app-deps';
import { Role } from './authorization';
import { approverMris, cardLinks } from './card-publisher';
import { errorSummary } from './error-summary';
import { ApprovalView, entitlement } from '../domain/approval-policy';
import { approverRightsFor, hasAnyRight } from './approver-rights';

/** What a person is for one request. Decided from from.aadObjectId and the request, never from card data. */
export interface RequestRoles {
  requester: boolean;
  /** Approver for this request's kind (APPROVER_* for a transfer, ROLLBACK_APPROVER_* for a rollback). */
  approver: boolean;
  admin: boolean;
}

export function hasAnyRole(roles: RequestRoles): boolean {
  return roles.requester || roles.approver || roles.admin;
}

/**
 * One role check for a view (chat card or tab). A check that fails (Graph down) counts as no role: the
 * person then sees less, never more; the failure is logged.
 */
export function hasRoleOrNone(
  deps: Pick<AppDeps, 'authorization' | 'logger'>,
  role: Role,
  actorId: string,
  context: Record<string, unknown> = {},
): Promise<boolean> {
  return deps.authorization.has(role, actorId).catch((error) => {
    deps.logger.warn({ ...context, actorId, role, err: errorSummary(error) }, 'role check failed: treated as no role');
    return false;
  });
}

/** The person's roles for this request; a failed check counts as no role (the neutral answer). */
export async function rolesFor(deps: AppDeps, request: SoaRequest, actor: Person): Promise<RequestRoles> {
  const id = actor.aadObjectId?.toLowerCase() ?? '';
  if (!id) return { requester: false, approver: false, admin: false };
  const requester = id === request.requester.aadObjectId.toLowerCase();
  // Approvers of the kind, and whoever else may decide it: a stage group, the escalation group, a delegate.
  const approver =
    (await hasRoleOrNone(deps, request.kind === 'rollback' ? 'rollback-approver' : 'approver', id, { requestId: request.id })) ||
    (await approverRightsFor(deps, request, id).then(
      (rights) => hasAnyRight(rights, request),
      (error) => {
        deps.logger.warn({ requestId: request.id, actorId: id, err: errorSummary(error) }, 'approver rights check failed: treated as none');
        return false;
      },
    ));
  const admin = approver ? false : await hasRoleOrNone(deps, 'admin', id, { requestId: request.id });
  return { requester, approver, admin };
}

/**
 * Whether this person may have their own view of the request (details, buttons, download links) in this
 * conversation: its requester, its approvers and admins, and only where its card was posted (or in the
 * requester's origin conversation). Everyone else gets the neutral REQUEST.NOT_VISIBLE answer.
 */
export async function mayView(deps: AppDeps, request: SoaRequest, actor: Person, conversationId: string): Promise<{ ok: boolean; roles: RequestRoles }> {
  const roles = await rolesFor(deps, request, actor);
  return { ok: hasAnyRole(roles) && conversationHoldsRequest(request, conversationId), roles };
}

/**
 * Whether Approve/Reject is offered to this person now (the card's buttons and the tab's detail): someone
 * the approval policy would let decide the open stage (own stage, escalation once escalated, delegation),
 * never the requester, not twice. Rights that cannot be read (Graph down) offer nothing.
 */
export async function mayDecideNow(deps: AppDeps, request: ApprovalView & Pick<SoaRequest, 'status'>, actor: Person, roles: RequestRoles): Promise<boolean> {
  if (request.status !== 'pending' || roles.requester || !roles.approver) return false;
  const rights = await approverRightsFor(deps, request, actor.aadObjectId).catch(() => null);
  return rights !== null && entitlement(request, actor, rights).ok;
}

/**
 * The card as this person should see it: Approve/Reject only for an approver who may still decide,
 * Resume/Cancel for an approver of a halted request (Cancel only, when that approver is the requester). Call only for someone mayView() let through.
 */
export async function personalView(
  deps: AppDeps,
  actor: Person,
  request: SoaRequest,
  roles: RequestRoles,
  notice?: { text: string; tone: 'good' | 'attention' },
): Promise<AdaptiveCard> {
  const refreshUserIds = await approverMris(deps, request);
  const mayDecide = request.status === 'halted' ? roles.approver : await mayDecideNow(deps, request, actor, roles);
  const mayConfirmSafeguard =
    request.kind === 'rollback' &&
    !request.safeguard &&
    (await mayConfirm(deps, request, actor).catch((error) => {
      deps.logger.warn({ requestId: request.id, actorId: actor.aadObjectId, err: errorSummary(error) }, 'role check failed: treated as no role');
      return false;
    }));
  return renderRequestCard(request, {
    audience: mayDecide ? 'approver' : 'everyone',
    refreshUserIds,
    notice,
    mayConfirmSafeguard,
    // Resuming is an approval: not by the requester (who may still cancel).
    mayResume: !roles.requester,
    tenantId: deps.settings.tenantId,
    safeguardSwitchAppId: safeguardSwitchAppId(deps.settings),
    links: cardLinks(deps, request),
  });
}

/**
 * Who may attest a rollback's safeguard step: the requester or a rollback approver (an attestation, not
 * an approval). Throws when the directory cannot answer: the use case refuses with ROLE.CHECK_FAILED
 * (role-check.ts), a card view shows no button.
 */
export async function mayConfirm(deps: AppDeps, request: SoaRequest, actor: Person): Promise<boolean> {
  if (!actor.aadObjectId) return false;
  if (actor.aadObjectId === request.requester.aadObjectId.toLowerCase()) return true;
  return deps.authorization.isApproverFor('rollback', actor.aadObjectId);
}
