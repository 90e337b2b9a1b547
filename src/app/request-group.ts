import { DomainError, Result, fail, ok } from '../domain/errors';
import { bottomUpOrder } from '../domain/group-tree';
import { Person, RequestKind } from '../domain/soa-request';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { say } from './wording';
import { done, refusal } from './reply';
import { checkRole } from './role-check';
import type { DecisionReply } from './decide-request';
import { Origin, RequestReply, RequestVia, requestGroupChange } from './request-transfer';
import { maxUsersFor } from './user-limits';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A group as resolved: its object id and display name. */
export type ResolvedGroup = Result<{ id: string; displayName: string }>;

/**
 * A group named in a command: an object id as given, or a display name that must match exactly one
 * group (Graph `$filter=displayName eq`); otherwise up to 10 candidates with their ids, and the reply
 * says to use the id.
 */
export async function resolveGroup(deps: AppDeps, nameOrId: string): Promise<ResolvedGroup> {
  if (GUID.test(nameOrId)) return ok({ id: nameOrId.toLowerCase(), displayName: nameOrId });
  if (!deps.bulk) return fail('GRAPH.UNKNOWN');
  const found = await deps.bulk.findGroupsByName(nameOrId);
  if (found.length === 0) return fail('GROUP.NOT_FOUND', { group: nameOrId });
  if (found.length > 1) {
    return fail('GROUP.AMBIGUOUS', {
      group: nameOrId,
      candidates: found
        .slice(0, 10)
        .map((g) => `${g.displayName} (${g.id})`)
        .join(', '),
    });
  }
  return ok(found[0]);
}

/** The groups of a group request: the root as resolved, then each group with its level (0 = the root), children first. */
export type GroupTargets = Result<{ root: { id: string; displayName: string }; groups: { key: string; depth: number }[] }>;

/**
 * What `transfer group <name or id> [with nested groups]` / `rollback group <name or id>` asks for:
 * the group resolved (resolveGroup), with `nested` (transfers only) the synced groups nested in it
 * (transitively, cycles ignored) ordered children first. Shared by the chat command and the tab
 * (preflight and new request), so both ask for the same groups. Directory failures are refusals.
 */
export async function groupTargetsOf(deps: AppDeps, input: { kind: RequestKind; actor: Person; group: string; nested: boolean }): Promise<GroupTargets> {
  try {
    const resolved = await resolveGroup(deps, input.group);
    if (!resolved.ok) return resolved;
    const root = resolved.value;
    let groups = [{ key: root.id, depth: 0 }];
    if (input.nested && input.kind === 'transfer') {
      const tree = await nestedTree(deps, root.id, await maxUsersFor(deps, input.actor.aadObjectId));
      if (!tree.ok) return tree;
      groups = tree.value.map((g) => ({ key: g.id, depth: g.depth }));
    }
    return ok({ root, groups });
  } catch (error) {
    if (error instanceof DirectoryError) {
      if (error.code === 'GRAPH.NOT_FOUND') return fail('GROUP.NOT_FOUND', { group: input.group });
      return fail(error.code, { permission: error.details.permission ?? null });
    }
    throw error;
  }
}

/**
 * `transfer group <name or id> [with nested groups]` and `rollback group <name or id>` (and the tab's
 * group request, `via: "tab"`): the groups (groupTargetsOf), then the one request path
 * (request-transfer.ts) with group targets.
 */
export async function requestGroupSoa(
  deps: AppDeps,
  input: { kind: RequestKind; actor: Person; group: string; nested: boolean; justification: string; origin: Origin; via?: RequestVia },
): Promise<RequestReply> {
  const requester = await checkRole(deps, () => deps.authorization.isRequester(input.actor.aadObjectId), {
    useCase: `request-group-${input.kind}`,
    actorId: input.actor.aadObjectId,
  });
  if (!requester.ok) return refusal(requester.error);
  if (!requester.value) return refusal({ code: 'REQUESTER.NOT_ALLOWED' });
  const targets = await groupTargetsOf(deps, input);
  if (!targets.ok) return refusal(targets.error, candidatesOf(targets.error));
  const { root, groups } = targets.value;
  const levels = new Set(groups.map((g) => g.depth)).size;
  const source =
    groups.length > 1
      ? `group "${root.displayName}" (${root.id}) and ${groups.length - 1} synced groups nested in it, ${levels} levels, children first`
      : `group "${root.displayName}" (${root.id})`;
  return requestGroupChange(deps, {
    kind: input.kind,
    actor: input.actor,
    groups,
    justification: input.justification,
    origin: input.origin,
    source,
    ...(input.via ? { via: input.via } : {}),
  });
}

/**
 * The synced groups nested in `rootId` (breadth first, each group read once, so a nesting loop ends),
 * at most `max` of them. Groups already transferred or cloud-native are not followed: they are not
 * converted by this request, and their own nesting was AD's before.
 */
async function nestedTree(deps: AppDeps, rootId: string, max: number): Promise<Result<{ id: string; depth: number }[]>> {
  const edges = new Map<string, string[]>();
  const seen = new Set([rootId.toLowerCase()]);
  const queue = [rootId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const synced = (await deps.directory.nestedGroups(id)).filter((g) => g.onPremisesSyncEnabled === true);
    edges.set(
      id,
      synced.map((g) => g.id),
    );
    for (const g of synced) {
      if (seen.has(g.id.toLowerCase())) continue;
      seen.add(g.id.toLowerCase());
      if (seen.size > max) return fail('COMMAND.TOO_MANY_UPNS', { count: `more than ${max}`, max });
      queue.push(g.id);
    }
  }
  return ok(bottomUpOrder(rootId, edges));
}

/**
 * The "Request transfer of these groups" button of a user transfer's order guidance: one group request
 * for the groups the card lists, made as the person who clicked (their requester role is checked like a
 * typed request), through the same use case. Answers with the user request, whose card is unchanged.
 */
export async function requestGuidedGroups(deps: AppDeps, input: { actor: Person; requestId: string }): Promise<DecisionReply> {
  const request = await deps.requests.get(input.requestId);
  if (!request) return refusal({ code: 'REQUEST.NOT_FOUND', detail: { requestId: input.requestId } });
  const groups = request.groupGuidance?.groups ?? [];
  if (groups.length === 0) return refusal({ code: 'REQUEST.NONE_ELIGIBLE', detail: { reason: 'no-guided-groups' } });
  const reply = await requestGroupChange(deps, {
    kind: 'transfer',
    actor: input.actor,
    groups: groups.map((g) => ({ key: g.id, depth: 0 })),
    justification: `Groups before users (order guidance of ${request.id})`,
    origin: request.origin,
    source: `groups of the users of ${request.id}`,
  });
  if (!reply.ok) return reply;
  return done(request, say.guidedGroupsRequested(reply.value.request.id, reply.value.request.targets.length));
}

/** An ambiguous group name's candidates, for an API client to list (the words name them too). */
export function candidatesOf(error: DomainError): { data?: Record<string, unknown> } {
  return error.code === 'GROUP.AMBIGUOUS' ? { data: { candidates: String(error.detail?.candidates ?? '') } } : {};
}
