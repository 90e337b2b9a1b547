import { PreflightResult } from '../domain/preflight';
import { ScopeSettings, TargetFacts, evaluateTarget, guardedGroups } from '../domain/target-policy';
import { OPEN_STATUSES, RequestKind } from '../domain/soa-request';
import { BulkDirectory, BulkResult } from '../ports/bulk-directory';
import { DirectoryError } from '../ports/directory';
import { AppDeps } from './app-deps';
import { GroupFacts, groupAsTarget } from '../domain/group-preflight';

// Chunks of users in flight at once: their reads share the bulk directory's window, so while one chunk
// is being turned into facts the others keep Graph busy.
const CHUNK = 1000;
const CHUNKS_IN_FLIGHT = 4;

/** The scope guard's settings, as the target policy reads them. */
export function scopeOf(settings: AppDeps['settings']): ScopeSettings {
  return { protectedGroupIds: settings.protectedGroupIds, allowedTargetGroupId: settings.allowedTargetGroupId };
}

/**
 * Request time: the facts the target policy needs for every user asked for, read through `dir`
 * (batched for large requests, single calls for small ones; the questions are the same), then the
 * one policy. Results in input order; the same person under two spellings counts once. A directory
 * failure for any user fails the whole check (no request is made from a partial picture).
 */
export async function checkTargets(deps: AppDeps, dir: BulkDirectory, kind: RequestKind, upns: string[]): Promise<PreflightResult[]> {
  const scope = scopeOf(deps.settings);
  const chunks: string[][] = [];
  for (let i = 0; i < upns.length; i += CHUNK) chunks.push(upns.slice(i, i + CHUNK));
  const facts: TargetFacts[][] = new Array(chunks.length);
  const domainType = domainLookup(deps);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const k = next++;
      facts[k] = await factsOf(deps, dir, kind, chunks[k], domainType);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, worker));
  // Read after the (possibly long) reads above: a request made meanwhile must count.
  const inOpen = await usersInOpenRequests(deps);
  const results = facts.flat().map((f) => evaluateTarget(kind, { ...f, inOpenRequest: Boolean(f.user && inOpen.has(f.user.id.toLowerCase())) }, scope));
  return dedupe(results);
}

/**
 * Request time for group targets (docs/soa-and-graph.md §6a), through the same policy: each group, its
 * SOA flag, the guarded groups it is (or is nested in), and the facts only groups have (nested groups not
 * converted yet for a transfer; cloud-only members and access packages for a rollback). `inRequest`: the
 * ids of this request's groups, so a nested group that is part of the tree is not listed as left behind.
 * Single calls: a group tree is a handful of groups.
 */
export async function checkGroupTargets(deps: AppDeps, kind: RequestKind, groups: { key: string; depth: number }[]): Promise<PreflightResult[]> {
  const scope = scopeOf(deps.settings);
  const guarded = guardedGroups(scope);
  const inRequest = new Set(groups.map((g) => g.key.toLowerCase()));
  const inOpen = await usersInOpenRequests(deps);
  const results: PreflightResult[] = [];
  for (const { key, depth } of groups) {
    const group = await deps.directory.getGroup(key);
    const user = group ? groupAsTarget(group) : null;
    const isCloudManaged = group ? await deps.directory.getCloudManaged(group.id, 'group') : null;
    const facts: TargetFacts = {
      upn: group?.displayName ?? key,
      user,
      isCloudManaged,
      domainAuthenticationType: null,
      memberOfGuarded: [],
      references: [],
      roles: [],
      inOpenRequest: false,
      group: null,
    };
    const noScope: ScopeSettings = { protectedGroupIds: [], allowedTargetGroupId: null };
    if (group && evaluateTarget(kind, facts, noScope).eligible) {
      facts.group = await groupFactsOf(deps, kind, group.id, group.mailEnabled, inRequest);
      if (guarded.length > 0) {
        const nestedIn = await deps.directory.memberGroups(group.id, guarded, 'group');
        facts.memberOfGuarded = [...nestedIn, ...guarded.filter((g) => g === group.id.toLowerCase())];
      }
      facts.inOpenRequest = inOpen.has(group.id.toLowerCase());
    }
    results.push({ ...evaluateTarget(kind, facts, scope), depth });
  }
  return dedupe(results);
}

async function groupFactsOf(deps: AppDeps, kind: RequestKind, groupId: string, mailEnabled: boolean, inRequest: Set<string>): Promise<GroupFacts> {
  if (kind === 'transfer') {
    const nested = await deps.directory.nestedGroups(groupId);
    const nestedUnconverted = nested
      .filter((g) => g.onPremisesSyncEnabled === true && !inRequest.has(g.id.toLowerCase()))
      .map((g) => ({ id: g.id, displayName: g.displayName }));
    return { mailEnabled, nestedUnconverted, cloudMembers: [], accessPackages: [] };
  }
  const cloudMembers = await deps.directory.cloudOnlyMembers(groupId);
  const accessPackages = (await deps.directory.accessPackagesUsingGroup(groupId)).map((p) => ({
    id: p.id,
    displayName: p.displayName,
    catalogName: p.catalogName,
  }));
  return { mailEnabled, nestedUnconverted: [], cloudMembers, accessPackages };
}

async function factsOf(
  deps: AppDeps,
  dir: BulkDirectory,
  kind: RequestKind,
  upns: string[],
  domainType: (upn: string) => Promise<'Managed' | 'Federated' | null>,
): Promise<TargetFacts[]> {
  const read = await dir.getUsersWithSoa(upns);
  const facts: TargetFacts[] = [];
  for (const upn of upns) {
    const { user, isCloudManaged } = valueOf(read.get(upn));
    facts.push({
      upn,
      user,
      isCloudManaged: user ? isCloudManaged : null,
      domainAuthenticationType: user && kind === 'transfer' ? await domainType(user.userPrincipalName) : null,
      memberOfGuarded: [],
      references: [],
      roles: [],
      inOpenRequest: false,
    });
  }
  // The questions that cost a call per user are asked only for users the cheaper checks let through.
  const noScope: ScopeSettings = { protectedGroupIds: [], allowedTargetGroupId: null };
  if (kind === 'rollback') {
    // Role holders first (docs/soa-and-graph.md §6b), batched like the scope question: a role blocks
    // whatever the references say, so the references are read only for users without one.
    const rollbackable = facts.filter((f) => evaluateTarget(kind, f, noScope).eligible);
    if (rollbackable.length > 0) {
      const roles = await dir.directoryRolesOf(rollbackable.map((f) => f.user!.id));
      for (const f of rollbackable) f.roles = valueOf(roles.get(f.user!.id));
    }
    for (const f of facts) if (evaluateTarget(kind, f, noScope).eligible) f.references = await cloudReferences(deps, f.user!.id);
  }
  const groups = guardedGroups(scopeOf(deps.settings));
  const candidates = facts.filter((f) => evaluateTarget(kind, f, noScope).eligible);
  if (groups.length > 0 && candidates.length > 0) {
    const memberships = await dir.memberGroupsOf(
      candidates.map((f) => f.user!.id),
      groups,
    );
    for (const f of candidates) f.memberOfGuarded = valueOf(memberships.get(f.user!.id));
  }
  return facts;
}

/** Rollback preflight (docs/soa-and-graph.md §6): the user's cloud-managed groups and the access packages that use them. */
async function cloudReferences(deps: AppDeps, userId: string): Promise<TargetFacts['references']> {
  const references: TargetFacts['references'] = [];
  for (const group of await deps.directory.cloudManagedGroupsOf(userId)) {
    const packages = await deps.directory.accessPackagesUsingGroup(group.id);
    references.push({
      groupId: group.id,
      groupName: group.displayName,
      accessPackages: packages.map((p) => ({ id: p.id, displayName: p.displayName, catalogName: p.catalogName })),
    });
  }
  return references;
}

function valueOf<T>(result: BulkResult<T> | undefined): T {
  if (!result) throw new DirectoryError('GRAPH.UNKNOWN', 'a user is missing from the batch answer');
  if (!result.ok) throw result.error;
  return result.value;
}

function domainLookup(deps: AppDeps): (upn: string) => Promise<'Managed' | 'Federated' | null> {
  const domains = new Map<string, Promise<'Managed' | 'Federated' | null>>();
  return (upn) => {
    const domain = (upn.split('@')[1] ?? '').toLowerCase();
    if (!domains.has(domain)) domains.set(domain, deps.directory.getDomainAuthenticationType(domain));
    return domains.get(domain)!;
  };
}

async function usersInOpenRequests(deps: AppDeps): Promise<Set<string>> {
  // Every open request, not the oldest thousand: a user in any of them is not taken again.
  const open = await deps.requests.listByStatus(OPEN_STATUSES);
  return new Set(open.flatMap((r) => r.targets.map((t) => t.preflight.userId?.toLowerCase()).filter((id): id is string => Boolean(id))));
}

function dedupe(results: PreflightResult[]): PreflightResult[] {
  const seen = new Set<string>();
  return results.filter((r) => {
    const key = r.userId ? r.userId.toLowerCase() : `upn:${r.upn.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
