import { DomainError } from '../domain/errors';
import { PreflightResult } from '../domain/preflight';
import { ConversationKind, OPEN_STATUSES, Person, RequestKind, TargetType, SoaRequest, targetTypeOf } from '../domain/soa-request';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { blockerText, say } from './wording';
import { Reply, done, refusal } from './reply';
import { checkRole } from './role-check';
import { notifyRequestEvent } from './notify';
import { checkGroupTargets, checkTargets } from './target-checks';
import { groupGuidanceFor } from './group-guidance';
import { directoryFor } from './bulk/directory-as-bulk';
import { userCountOverLimit } from './user-limits';
import { queueReminders } from './remind-approvers';
import { approvalConversationKey, postRequestCards } from './post-request-cards';
import { draftRequest } from './request-draft';

export interface Origin {
  conversationKey: string;
  kind: ConversationKind;
}

/**
 * A request made (or found: `duplicate` when the same request was made moments ago), with the words for
 * the requester (none when its card is the answer); a refusal of REQUEST.NONE_ELIGIBLE carries the
 * blocked targets (`data.blocked`: upn and blocker) besides their reasons in the text.
 */
export type RequestReply = Reply<{ request: SoaRequest; duplicate: boolean }>;

/** Where a request was made: chat (the default, not recorded) or the personal tab. */
export type RequestVia = 'tab';

/** `transfer <upns> [reason]`: authorize, preflight, create, post the approval card. */
export function requestTransfer(
  deps: AppDeps,
  input: { actor: Person; upns: string[]; justification: string; origin: Origin; source?: string; via?: RequestVia },
): Promise<RequestReply> {
  return requestChange(deps, { ...input, kind: 'transfer' });
}

/** `rollback <upns> [reason]`: the same, with the rollback preflight, approvers and quorum. */
export function requestRollback(
  deps: AppDeps,
  input: { actor: Person; upns: string[]; justification: string; origin: Origin; via?: RequestVia },
): Promise<RequestReply> {
  return requestChange(deps, { ...input, kind: 'rollback' });
}

/**
 * Groups (docs/soa-and-graph.md §6a) through the same steps: `groups` are the object ids with their
 * nesting level (0 = the group asked for), listed children first. More than one level makes a tree: one
 * wave per level, deepest first, halted by any failure so that no parent is switched before its children.
 */
export function requestGroupChange(
  deps: AppDeps,
  input: {
    kind: RequestKind;
    actor: Person;
    groups: { key: string; depth: number }[];
    justification: string;
    origin: Origin;
    source: string;
    via?: RequestVia;
  },
): Promise<RequestReply> {
  return requestChange(deps, { ...input, upns: input.groups.map((g) => g.key), targetType: 'group' });
}

/**
 * A request made in the tab has no conversation of its own: it is made as if in the approvals channel,
 * where the approval card of a request from a personal chat goes, so its card and its later messages
 * (outcome, halt, audit) are posted there. null when no approvals channel is known.
 */
export async function approvalsChannelOrigin(deps: AppDeps): Promise<Origin | null> {
  const key = await approvalConversationKey(deps, { kind: 'personal', conversationKey: '' });
  return key ? { conversationKey: key, kind: 'channel' } : null;
}

async function requestChange(
  deps: AppDeps,
  input: {
    kind: RequestKind;
    actor: Person;
    upns: string[];
    justification: string;
    origin: Origin;
    source?: string;
    targetType?: TargetType;
    groups?: { key: string; depth: number }[];
    via?: RequestVia;
  },
): Promise<RequestReply> {
  const { actor, origin, kind } = input;
  const targetType = input.targetType ?? 'user';
  const isTree = targetType === 'group' && new Set((input.groups ?? []).map((g) => g.depth)).size > 1;
  const isBulk = isTree || (targetType === 'user' && kind === 'transfer' && (input.upns.length > deps.settings.bulkMinUsers || Boolean(input.source)));
  const log = deps.logger.child({ useCase: `request-${kind}`, actorId: actor.aadObjectId });
  try {
    const requester = await checkRole(deps, () => deps.authorization.isRequester(actor.aadObjectId), {
      useCase: `request-${kind}`,
      actorId: actor.aadObjectId,
    });
    if (!requester.ok) return refusal(requester.error);
    if (!requester.value) return refusal({ code: 'REQUESTER.NOT_ALLOWED' });

    const duplicate = await findDuplicate(deps, input);
    if (duplicate) {
      log.info({ requestId: duplicate.id }, 'duplicate request ignored');
      const secondsAgo = Math.max(0, Math.round((deps.clock.now().getTime() - Date.parse(duplicate.createdAt)) / 1000));
      return done({ request: duplicate, duplicate: true }, say.duplicateRequest(duplicate.id, secondsAgo));
    }

    // MAX_USERS_PER_REQUEST for everyone; admins may go up to ADMIN_MAX_USERS_PER_REQUEST (a migration wave).
    const overLimit = await userCountOverLimit(deps, actor.aadObjectId, input.upns.length);
    if (overLimit) return refusal({ code: 'COMMAND.TOO_MANY_UPNS', detail: overLimit });

    const approvalKey = await approvalConversationKey(deps, origin);
    if (!approvalKey) return refusal({ code: 'REQUEST.NO_APPROVAL_CHANNEL' });

    // The one target policy, whatever the request's size or source (domain/target-policy.ts).
    const checked =
      targetType === 'group' ? await checkGroupTargets(deps, kind, input.groups ?? []) : await checkTargets(deps, directoryFor(deps, isBulk), kind, input.upns);
    const eligible = checked.filter((r) => r.eligible);
    const blocked = checked.filter((r) => !r.eligible);
    if (eligible.length === 0) {
      const error: DomainError = { code: 'REQUEST.NONE_ELIGIBLE', detail: { kind, ...(targetType === 'group' ? { targetType } : {}) } };
      const reasons = blocked.map((b) => ({ target: b.upn, reason: blockerText(b, targetType) }));
      return refusal(error, { text: say.noneEligible(error, reasons), data: { blocked: blocked.map((b) => ({ upn: b.upn, blocker: b.blocker })) } });
    }

    // Order guidance (a warning): the users' groups still managed in AD DS, bounded lookup.
    const groupGuidance =
      targetType === 'user' && kind === 'transfer'
        ? await groupGuidanceFor(
            deps,
            eligible.map((e) => e.userId!),
          )
        : null;
    const request = draftRequest(deps, {
      kind,
      actor,
      justification: input.justification,
      origin,
      upns: input.upns,
      source: input.source,
      targetType,
      eligible,
      blocked,
      groupGuidance,
      isTree,
      isBulk,
    });
    await deps.requests.create(request, {
      requestId: request.id,
      at: request.createdAt,
      type: 'request.created',
      // kind is part of the record: a rollback and a transfer are different governed actions
      actorId: actor.aadObjectId,
      data: {
        ...(targetType === 'group' ? { targetType, groupIds: eligible.map((e) => e.userId) } : {}),
        upns: input.upns,
        eligible: eligible.map((e) => e.upn),
        blocked: blocked.map((b) => ({ upn: b.upn, blocker: b.blocker })),
        ...(input.via ? { via: input.via } : {}),
      },
    });
    await deps.jobs.enqueue({ key: `expire:${request.id}`, kind: 'expire', requestId: request.id, runAt: request.expiresAt });
    await queueReminders(deps, request);
    log.info({ requestId: request.id, correlationId: request.correlationId, targets: eligible.length, blocked: blocked.length }, `${kind} requested`);

    const posted = await postRequestCards(deps, request, approvalKey);
    await notifyRequestEvent(deps, posted, 'requested', actor);
    return done({ request: posted, duplicate: false }, origin.kind === 'personal' ? say.requestSent(request.id) : null);
  } catch (error) {
    if (error instanceof DirectoryError) {
      log.warn({ code: error.code, graphRequestId: error.details.requestId ?? null }, 'directory error during request');
      return refusal({ code: error.code, detail: { permission: error.details.permission ?? null, reading: 'users' } });
    }
    throw error;
  }
}

const DUPLICATE_WINDOW_MS = 10 * 60_000;

/**
 * Teams re-delivers slow turns, sometimes with a new activity id: the same person asking for the
 * same users with the same words a moment ago is the same request (business-key de-duplication).
 */
async function findDuplicate(
  deps: AppDeps,
  input: { kind: RequestKind; actor: Person; upns: string[]; justification: string; targetType?: TargetType },
): Promise<SoaRequest | null> {
  const wanted = [...new Set(input.upns.map((u) => u.toLowerCase()))].sort().join(',');
  const now = deps.clock.now().getTime();
  const open = await deps.requests.listByStatus(OPEN_STATUSES);
  return (
    open.find((r) => {
      if (targetTypeOf(r) !== (input.targetType ?? 'user')) return false;
      if (r.kind !== input.kind || r.requester.aadObjectId.toLowerCase() !== input.actor.aadObjectId.toLowerCase()) return false;
      if (now - Date.parse(r.createdAt) > DUPLICATE_WINDOW_MS || r.justification !== input.justification.slice(0, 1000)) return false;
      // Groups are asked for by object id (the display name is only a label).
      const key = (p: PreflightResult) => (targetTypeOf(r) === 'group' ? (p.userId ?? p.upn) : p.upn);
      const asked = [...r.targets.map((t) => key(t.preflight)), ...r.blocked.map(key)].map((u) => u.toLowerCase());
      return [...new Set(asked)].sort().join(',') === wanted;
    }) ?? null
  );
}
