import { DomainError } from '../domain/errors';
import { PreflightResult, blockAsInOpenRequest, preflightTransfer } from '../domain/preflight';
import { ConversationKind, OPEN_STATUSES, Person, TransferRequest } from '../domain/transfer-request';
import { renderRequestCard } from '../cards/request-card';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { approverMris, errorSummary } from './card-publisher';
import { describeError } from './messages';

export interface Origin {
  conversationKey: string;
  kind: ConversationKind;
}

export type TransferReply =
  | { kind: 'refused'; text: string; error: DomainError; blocked?: PreflightResult[] }
  | { kind: 'created'; request: TransferRequest; text: string | null };

/** `transfer <upns> [reason]`: authorize, preflight, create, post the approval card. */
export async function requestTransfer(
  deps: AppDeps,
  input: { actor: Person; upns: string[]; justification: string; origin: Origin },
): Promise<TransferReply> {
  const { actor, origin } = input;
  const log = deps.logger.child({ useCase: 'request-transfer', actorId: actor.aadObjectId });
  try {
    if (!(await deps.authorization.isRequester(actor.aadObjectId))) return refused({ code: 'REQUESTER.NOT_ALLOWED' });

    const approvalKey = await approvalConversationKey(deps, origin);
    if (!approvalKey) return refused({ code: 'REQUEST.NO_APPROVAL_CHANNEL' });

    const results = await preflightAll(deps, input.upns);
    const inOpen = await usersInOpenRequests(deps);
    const checked = results.map((r) => (r.eligible && r.userId && inOpen.has(r.userId) ? blockAsInOpenRequest(r) : r));
    const eligible = checked.filter((r) => r.eligible);
    const blocked = checked.filter((r) => !r.eligible);
    if (eligible.length === 0) {
      const reasons = blocked.map((b) => `- ${b.upn}: ${blockerText(b)}`).join('\n');
      const error: DomainError = { code: 'REQUEST.NONE_ELIGIBLE' };
      return { kind: 'refused', error, blocked, text: `${reasons}\n\n${describeError(error)}` };
    }

    const now = deps.clock.now();
    const request: TransferRequest = {
      id: deps.ids.requestId(),
      kind: 'transfer',
      status: 'pending',
      version: 1,
      cardVersion: 1,
      requester: actor,
      justification: input.justification.slice(0, 1000),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + deps.settings.approvalTtlMs).toISOString(),
      approvalsRequired: deps.settings.approvalsRequired,
      decisions: [],
      targets: eligible.map((preflight) => ({ preflight, execution: { outcome: 'pending' }, audit: { status: 'not-started' } })),
      blocked,
      origin,
      cards: [],
      graphApiVersion: deps.settings.graphApiVersion,
      correlationId: deps.ids.uuid(),
    };
    await deps.requests.create(request, {
      requestId: request.id,
      at: request.createdAt,
      type: 'request.created',
      actorId: actor.aadObjectId,
      data: { upns: input.upns, eligible: eligible.map((e) => e.upn), blocked: blocked.map((b) => ({ upn: b.upn, blocker: b.blocker })) },
    });
    await deps.jobs.enqueue({ key: `expire:${request.id}`, kind: 'expire', requestId: request.id, runAt: request.expiresAt });
    log.info({ requestId: request.id, correlationId: request.correlationId, targets: eligible.length, blocked: blocked.length }, 'transfer requested');

    const posted = await postCards(deps, request, approvalKey);
    const text =
      origin.kind === 'personal'
        ? `Request ${request.id} was sent to the approvals channel. This card follows it to the end.`
        : null;
    return { kind: 'created', request: posted, text };
  } catch (error) {
    if (error instanceof DirectoryError) {
      log.warn({ code: error.code, graphRequestId: error.details.requestId ?? null }, 'directory error during request');
      const domainError: DomainError = { code: error.code, detail: { permission: error.details.permission ?? null } };
      return { kind: 'refused', error: domainError, text: `I could not check the users, so no request was created. ${describeError(domainError)}` };
    }
    throw error;
  }
}

async function approvalConversationKey(deps: AppDeps, origin: Origin): Promise<string | null> {
  if (origin.kind !== 'personal') return origin.conversationKey;
  if (!deps.settings.approvalChannelId) return null;
  const channel = await deps.conversations.findByChannelId(deps.settings.approvalChannelId);
  return channel?.key ?? null;
}

async function preflightAll(deps: AppDeps, upns: string[]): Promise<PreflightResult[]> {
  const domainCache = new Map<string, Promise<'Managed' | 'Federated' | null>>();
  const domainType = (domain: string) => {
    const key = domain.toLowerCase();
    if (!domainCache.has(key)) domainCache.set(key, deps.directory.getDomainAuthenticationType(key));
    return domainCache.get(key)!;
  };
  const results: PreflightResult[] = [];
  // A handful at a time: fast for a few users, gentle on Graph for fifty.
  for (let i = 0; i < upns.length; i += 5) {
    const chunk = upns.slice(i, i + 5);
    results.push(
      ...(await Promise.all(
        chunk.map(async (upn) => {
          const user = await deps.directory.getUser(upn);
          if (!user) return preflightTransfer({ upn, user: null, isCloudManaged: null, domainAuthenticationType: null });
          const [isCloudManaged, authType] = await Promise.all([
            deps.directory.getCloudManaged(user.id),
            domainType(user.userPrincipalName.split('@')[1] ?? ''),
          ]);
          return preflightTransfer({ upn, user, isCloudManaged, domainAuthenticationType: authType });
        }),
      )),
    );
  }
  // The same person typed twice under different spellings counts once.
  const seen = new Set<string>();
  return results.filter((r) => {
    const key = r.userId ?? `upn:${r.upn.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function usersInOpenRequests(deps: AppDeps): Promise<Set<string>> {
  const open = await deps.requests.listByStatus(OPEN_STATUSES, 1000);
  return new Set(open.flatMap((r) => r.targets.map((t) => t.preflight.userId).filter((id): id is string => Boolean(id))));
}

async function postCards(deps: AppDeps, request: TransferRequest, approvalKey: string): Promise<TransferRequest> {
  let current = request;
  const locations: TransferRequest['cards'] = [];
  const refreshUserIds = await approverMris(deps, request);
  try {
    const id = await deps.chat.post(approvalKey, { card: renderRequestCard(request, { audience: 'everyone', refreshUserIds }) });
    locations.push({ role: 'approval', conversationKey: approvalKey, activityId: id });
  } catch (error) {
    deps.logger.error({ requestId: request.id, err: errorSummary(error) }, 'could not post the approval card');
  }
  if (request.origin.kind === 'personal') {
    try {
      const id = await deps.chat.post(request.origin.conversationKey, { card: renderRequestCard(request, { audience: 'everyone' }) });
      locations.push({ role: 'status', conversationKey: request.origin.conversationKey, activityId: id });
    } catch (error) {
      deps.logger.error({ requestId: request.id, err: errorSummary(error) }, 'could not post the status card');
    }
  }
  if (locations.length > 0) {
    // Card locations are bookkeeping, not a decision: they do not change the version the cards show.
    const next = { ...current, cards: locations, version: current.version + 1 };
    await deps.requests.update(next, current.version, [
      { requestId: request.id, at: deps.clock.now().toISOString(), type: 'card.posted', data: { cards: locations.map((l) => ({ role: l.role, activityId: l.activityId })) } },
    ]);
    current = next;
  }
  return current;
}

function blockerText(result: PreflightResult): string {
  const reasons: Record<string, string> = {
    'not-found': 'not found in the directory',
    'cloud-native': 'cloud-native user, nothing to transfer',
    'already-transferred': 'already transferred to the cloud',
    'federated-domain': 'UPN domain is federated (convert it to managed authentication first)',
    'not-synced': 'not currently synced from AD DS',
    'in-open-request': 'already part of another open request',
  };
  return reasons[result.blocker ?? ''] ?? 'blocked';
}

function refused(error: DomainError): TransferReply {
  return { kind: 'refused', error, text: describeError(error) };
}
