import { DomainError } from '../domain/errors';
import { PreflightResult, blockerReason } from '../domain/preflight';
import { BulkPlan, ConversationKind, OPEN_STATUSES, Person, RequestKind, TargetType, SoaRequest, targetTypeOf, revise } from '../domain/soa-request';
import { renderRequestCard } from '../cards/request-card';
import { DirectoryError } from '../ports/directory';
import { AppDeps, safeguardSwitchAppId } from './app-deps';
import { approverMris, sharedCardLinks } from './card-publisher';
import { errorSummary } from './error-summary';
import { say } from './wording';
import { Reply, done, refusal } from './reply';
import { checkRole } from './role-check';
import { notifyRequestEvent } from './notify';
import { parseWaves, planWaves } from '../domain/waves';
import { checkGroupTargets, checkTargets } from './target-checks';
import { groupGuidanceFor } from './group-guidance';
import { directoryFor } from './bulk/directory-as-bulk';
import { listFingerprint } from './bulk/request-table';
import { userCountOverLimit } from './user-limits';
import { escapeMarkdown as md } from '../cards/markdown-text';
import { heldRolesText } from '../cards/rollback-section';
import { stagesForNewRequest } from './approver-rights';
import { queueReminders } from './remind-approvers';

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
    const now = deps.clock.now();
    const stages = stagesForNewRequest(deps, kind);
    const request: SoaRequest = {
      id: deps.ids.requestId(),
      kind,
      status: 'pending',
      version: 1,
      cardVersion: 1,
      requester: actor,
      justification: input.justification.slice(0, 1000),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + deps.settings.approvalTtlMs).toISOString(),
      // With stages, the total of their quorums (what the card's "x of y" counts).
      approvalsRequired: stages
        ? stages.reduce((n, s) => n + s.quorum, 0)
        : kind === 'rollback'
          ? deps.settings.rollbackApprovalsRequired
          : deps.settings.approvalsRequired,
      ...(stages ? { stages } : {}),
      decisions: [],
      targets: eligible.map((preflight) => ({ preflight, execution: { outcome: 'pending' }, audit: { status: 'not-started' } })),
      blocked,
      origin,
      cards: [],
      graphApiVersion: deps.settings.graphApiVersion,
      correlationId: deps.ids.uuid(),
      ...(targetType === 'group' ? { targetType } : {}),
      ...(groupGuidance ? { groupGuidance } : {}),
      bulk: isTree
        ? treePlan(deps, eligible, input.source ?? '')
        : isBulk
          ? {
              waves: planWaves(parseWaves(deps.settings.waves) ?? [{ kind: 'rest' }], eligible.length),
              nextWave: 0,
              haltFailureRate: deps.settings.haltFailureRate,
              haltedReason: null,
              fingerprint: listFingerprint(eligible.map((e) => e.userId!)),
              source: input.source ?? `${input.upns.length} users listed in the message`,
            }
          : null,
    };
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

    const posted = await postCards(deps, request, approvalKey);
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

async function approvalConversationKey(deps: AppDeps, origin: Origin): Promise<string | null> {
  if (origin.kind !== 'personal') return origin.conversationKey;
  if (!deps.settings.approvalChannelId) return null;
  const channel = await deps.conversations.findByChannelId(deps.settings.approvalChannelId);
  return channel?.key ?? null;
}

async function postCards(deps: AppDeps, request: SoaRequest, approvalKey: string): Promise<SoaRequest> {
  let current = request;
  const locations: SoaRequest['cards'] = [];
  const refreshUserIds = await approverMris(deps, request);
  try {
    const id = await deps.chat.post(approvalKey, {
      card: renderRequestCard(request, {
        audience: 'everyone',
        refreshUserIds,
        tenantId: deps.settings.tenantId,
        safeguardSwitchAppId: safeguardSwitchAppId(deps.settings),
        links: sharedCardLinks(deps, request, 'approval'),
      }),
    });
    locations.push({ role: 'approval', conversationKey: approvalKey, activityId: id });
  } catch (error) {
    deps.logger.error({ requestId: request.id, err: errorSummary(error) }, 'could not post the approval card');
  }
  if (request.origin.kind === 'personal') {
    try {
      const id = await deps.chat.post(request.origin.conversationKey, {
        card: renderRequestCard(request, { audience: 'everyone', tenantId: deps.settings.tenantId, safeguardSwitchAppId: safeguardSwitchAppId(deps.settings) }),
      });
      locations.push({ role: 'status', conversationKey: request.origin.conversationKey, activityId: id });
    } catch (error) {
      deps.logger.error({ requestId: request.id, err: errorSummary(error) }, 'could not post the status card');
    }
  }
  if (locations.length > 0) {
    // Card locations are bookkeeping, not a decision: they do not change the version the cards show.
    const next = revise(current, { cards: locations }, { card: false });
    await deps.requests.update(next, current.version, [
      {
        requestId: request.id,
        at: deps.clock.now().toISOString(),
        type: 'card.posted',
        data: { cards: locations.map((l) => ({ role: l.role, activityId: l.activityId })) },
      },
    ]);
    current = next;
  }
  return current;
}

/** The blocker's one wording (BLOCKER_REASON), with the cloud references that block a rollback named. */
export function blockerText(result: PreflightResult, targetType: TargetType = 'user'): string {
  const reason = result.blocker ? blockerReason(result.blocker, targetType) : 'Blocked.';
  if (result.blocker === 'role-holder') return `${reason} ${heldRolesText(result.roles)}`;
  if (result.blockerDetail) return `${reason} ${md(result.blockerDetail, 800)}`;
  if (result.blocker !== 'cloud-references') return reason;
  const refs = (result.references ?? [])
    .map(
      (r) =>
        `group "${md(r.groupName, 100)}"${r.accessPackages.length ? ` (access packages: ${r.accessPackages.map((p) => md(p.displayName, 100)).join(', ')})` : ''}`,
    )
    .join('; ');
  return `${reason} ${refs}`;
}

/**
 * A group tree's plan: the eligible groups are already listed deepest level first; one wave per level,
 * and a failure rate of 0 so that any failure halts before the parents (resume retries that level).
 */
function treePlan(deps: AppDeps, eligible: PreflightResult[], source: string): BulkPlan {
  const waves: number[] = [];
  let last: number | undefined;
  for (const e of eligible) {
    if (e.depth !== last) waves.push(0);
    waves[waves.length - 1]++;
    last = e.depth;
  }
  return { waves, nextWave: 0, haltFailureRate: 0, haltedReason: null, fingerprint: listFingerprint(eligible.map((e) => e.userId!)), source, tree: true };
}
