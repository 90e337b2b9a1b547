import { ApprovalView, ApproverRights, currentStage, hasDecided, stagesOf } from '../domain/approval-policy';
import { NO_APPROVAL_FLOW } from '../domain/reminder-schedule';
import { ApprovalStage, RequestKind, SoaRequest } from '../domain/soa-request';
import { Delegation } from '../ports/delegation-store';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';

/** Most members read from one approver group when listing who to remind or show buttons to. */
const GROUP_MEMBERS_LIMIT = 200;
/** Group member lists are reused this long: every card edit asks who may decide, Graph is asked once. */
const MEMBERS_CACHE_MS = 5 * 60_000;
/**
 * Per app (keyed by its RequestDirectories: the same in a job's deps, whose bulk directory is the request's
 * own), so two apps in one process never share answers.
 */
const membersCache = new WeakMap<object, Map<string, { at: number; ids: string[] }>>();

/** Direct members of a group that are users (ids, lower case), cached briefly; [] without a bulk directory. */
export async function groupMemberIds(deps: AppDeps, groupId: string): Promise<string[]> {
  if (!deps.bulk) return [];
  let cache = membersCache.get(deps.directories);
  if (!cache) membersCache.set(deps.directories, (cache = new Map()));
  const now = deps.clock.now().getTime();
  const hit = cache.get(groupId);
  if (hit && now - hit.at < MEMBERS_CACHE_MS && now >= hit.at) return hit.ids;
  const ids = (await deps.bulk.groupMembers(groupId, { stopAfter: GROUP_MEMBERS_LIMIT })).map((m) => m.id.toLowerCase());
  cache.set(groupId, { at: now, ids });
  return ids;
}

export function approvalFlow(deps: Pick<AppDeps, 'settings'>) {
  return deps.settings.approvalFlow ?? NO_APPROVAL_FLOW;
}

/** The stages a new request of this kind gets (APPROVAL_STAGES / ROLLBACK_APPROVAL_STAGES), or null for one stage. */
export function stagesForNewRequest(deps: Pick<AppDeps, 'settings'>, kind: RequestKind): ApprovalStage[] | null {
  const flow = approvalFlow(deps);
  const stages = kind === 'rollback' ? flow.rollbackStages : flow.stages;
  return stages && stages.length > 0 ? stages.map((s) => ({ ...s })) : null;
}

/** Whether the person approves this stage in their own right: its group, or the kind's approvers when it has none. */
function ownsStage(deps: AppDeps, request: ApprovalView, stage: ApprovalStage, actorId: string): Promise<boolean> {
  return stage.groupId ? deps.authorization.isInGroup(stage.groupId, actorId) : deps.authorization.isApproverFor(request.kind, actorId);
}

async function ownStages(deps: AppDeps, request: ApprovalView, actorId: string): Promise<number[]> {
  const stages = stagesOf(request);
  const owned = await Promise.all(stages.map((s) => ownsStage(deps, request, s, actorId)));
  return owned.flatMap((yes, i) => (yes ? [i] : []));
}

/** Delegations running now (the store is the truth; every instance reads the same rows). */
export function activeDelegations(deps: AppDeps): Promise<Delegation[]> {
  return deps.delegations.active(deps.clock.now().toISOString());
}

/**
 * What entitles this person to decide this request: their own stages, the escalation group, and the
 * delegations made to them, each with the delegator's OWN stages (a delegated right is never passed on).
 * Throws when the directory cannot answer (the caller refuses with the Graph error).
 */
export async function approverRightsFor(deps: AppDeps, request: ApprovalView, actorId: string, running?: Delegation[]): Promise<ApproverRights> {
  const id = actorId.toLowerCase();
  const flow = approvalFlow(deps);
  const [own, escalation, delegations] = await Promise.all([
    ownStages(deps, request, id),
    flow.escalationGroupId ? deps.authorization.isInGroup(flow.escalationGroupId, id) : Promise.resolve(false),
    running ?? activeDelegations(deps),
  ]);
  const mine = delegations.filter((d) => d.delegate.aadObjectId.toLowerCase() === id && d.delegator.aadObjectId.toLowerCase() !== id);
  const delegated = await Promise.all(
    mine.map(async (d) => ({
      delegator: { aadObjectId: d.delegator.aadObjectId.toLowerCase(), name: d.delegator.name },
      stages: await ownStages(deps, request, d.delegator.aadObjectId.toLowerCase()),
    })),
  );
  return { ownStages: own, escalation, delegations: delegated.filter((d) => d.stages.length > 0) };
}

/** Any right at all for this request (any stage, escalation once escalated, delegation): who may see it as an approver. */
export function hasAnyRight(rights: ApproverRights, request: Pick<SoaRequest, 'escalatedAt'>): boolean {
  return rights.ownStages.length > 0 || (rights.escalation && Boolean(request.escalatedAt)) || rights.delegations.length > 0;
}

/**
 * The people (Entra object ids) who may decide the open stage now and have not: the stage's approvers
 * (configured ids and direct members of its group), the escalation group once escalated, and the
 * delegates of any of them; never the requester. Used for reminders and for the card's refresh list.
 * A group that cannot be listed is logged and skipped (the people in it still have "Show my options").
 */
export async function waitingApprovers(deps: AppDeps, request: SoaRequest): Promise<string[]> {
  if (request.status !== 'pending') return [];
  const stages = stagesOf(request);
  const stage = stages[currentStage(request)];
  if (!stage) return [];
  const flow = approvalFlow(deps);
  const source = deps.authorization.approverSource(request.kind);
  const ids = new Set<string>(stage.groupId ? [] : source.ids);
  const groups = [stage.groupId ?? source.groupId, request.escalatedAt ? flow.escalationGroupId : null].filter((g): g is string => Boolean(g));
  for (const groupId of groups) {
    try {
      for (const id of await groupMemberIds(deps, groupId)) ids.add(id);
    } catch (error) {
      deps.logger.warn({ requestId: request.id, groupId, err: errorSummary(error) }, 'could not list an approver group');
    }
  }
  const delegations = await activeDelegations(deps).catch(() => [] as Delegation[]);
  for (const d of delegations) {
    if (ids.has(d.delegator.aadObjectId.toLowerCase()) && !hasDecided(request, d.delegator.aadObjectId)) ids.add(d.delegate.aadObjectId.toLowerCase());
  }
  const requester = request.requester.aadObjectId.toLowerCase();
  const reassignedAway = new Set((request.reassignments ?? []).filter((r) => r.stage === currentStage(request)).map((r) => r.from.aadObjectId.toLowerCase()));
  return [...ids].filter((id) => id !== requester && !hasDecided(request, id) && !reassignedAway.has(id));
}
