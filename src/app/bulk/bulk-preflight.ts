import { PreflightResult, applyScopeGuard, preflightTransfer } from '../../domain/preflight';
import { BulkDirectory } from '../../ports/bulk-directory';
import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';

// Big chunks: the bulk directory already keeps many batches in flight; small ones would wait on latency.
const CHUNK = 5000;

/**
 * Preflight for thousands of users through Graph batching: users and their SOA flag in bulk, one
 * domain lookup per distinct domain, and the scope guard from one member listing per guarded group
 * (direct members) instead of one membership check per user.
 */
export async function preflightMany(deps: AppDeps, bulk: BulkDirectory, upns: string[]): Promise<PreflightResult[]> {
  const results: PreflightResult[] = [];
  const domains = new Map<string, Promise<'Managed' | 'Federated' | null>>();
  const domainType = (upn: string) => {
    const domain = (upn.split('@')[1] ?? '').toLowerCase();
    if (!domains.has(domain)) domains.set(domain, deps.directory.getDomainAuthenticationType(domain));
    return domains.get(domain)!;
  };
  for (let i = 0; i < upns.length; i += CHUNK) {
    const chunk = upns.slice(i, i + CHUNK);
    const users = await bulk.getUsers(chunk);
    const found = chunk.flatMap((upn) => {
      const r = users.get(upn);
      if (!r) throw new DirectoryError('GRAPH.UNKNOWN', 'a user is missing from the batch answer');
      if (!r.ok) throw r.error;
      return r.value ? [r.value] : [];
    });
    const soa = await bulk.getCloudManaged(found.map((u) => u.id));
    for (const upn of chunk) {
      const user = (users.get(upn) as { ok: true; value: import('../../domain/soa-state').DirectoryUser | null }).value;
      if (!user) {
        results.push(preflightTransfer({ upn, user: null, isCloudManaged: null, domainAuthenticationType: null }));
        continue;
      }
      const s = soa.get(user.id);
      if (!s || !s.ok) throw s && !s.ok ? s.error : new DirectoryError('GRAPH.UNKNOWN', 'SOA state missing from the batch answer');
      results.push(preflightTransfer({ upn, user, isCloudManaged: s.value, domainAuthenticationType: await domainType(user.userPrincipalName) }));
    }
  }
  return guardScopeByListing(deps, bulk, results);
}

async function guardScopeByListing(deps: AppDeps, bulk: BulkDirectory, results: PreflightResult[]): Promise<PreflightResult[]> {
  const { protectedGroupIds, allowedTargetGroupId } = deps.settings;
  if (protectedGroupIds.length === 0 && !allowedTargetGroupId) return results;
  const protectedIds = new Set<string>();
  for (const groupId of protectedGroupIds) for (const m of await bulk.groupMembers(groupId)) protectedIds.add(m.id.toLowerCase());
  const allowed = allowedTargetGroupId ? new Set((await bulk.groupMembers(allowedTargetGroupId)).map((m) => m.id.toLowerCase())) : null;
  return results.map((r) =>
    r.userId ? applyScopeGuard(r, { isProtected: protectedIds.has(r.userId.toLowerCase()), inAllowedScope: !allowed || allowed.has(r.userId.toLowerCase()) }) : r,
  );
}
