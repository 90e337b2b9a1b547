import { PreflightResult, applyScopeGuard, preflightTransfer } from '../../domain/preflight';
import { BulkDirectory } from '../../ports/bulk-directory';
import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';

// Chunks of users in flight at once: their reads share the bulk directory's window, so while one chunk
// is being turned into results the others keep Graph busy.
const CHUNK = 1000;
const CHUNKS_IN_FLIGHT = 4;

/**
 * Preflight for thousands of users through Graph batching: each user and its SOA flag read together,
 * one domain lookup per distinct domain, and the scope guard from one member listing per guarded group
 * (direct members) instead of one membership check per user. Results in input order.
 */
export async function preflightMany(deps: AppDeps, bulk: BulkDirectory, upns: string[]): Promise<PreflightResult[]> {
  const domains = new Map<string, Promise<'Managed' | 'Federated' | null>>();
  const domainType = (upn: string) => {
    const domain = (upn.split('@')[1] ?? '').toLowerCase();
    if (!domains.has(domain)) domains.set(domain, deps.directory.getDomainAuthenticationType(domain));
    return domains.get(domain)!;
  };
  const chunks: string[][] = [];
  for (let i = 0; i < upns.length; i += CHUNK) chunks.push(upns.slice(i, i + CHUNK));
  const done: PreflightResult[][] = new Array(chunks.length);
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const k = next++;
      done[k] = await preflightChunk(chunks[k], bulk, domainType);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, worker));
  return guardScopeByListing(deps, bulk, done.flat());
}

async function preflightChunk(chunk: string[], bulk: BulkDirectory, domainType: (upn: string) => Promise<'Managed' | 'Federated' | null>): Promise<PreflightResult[]> {
  const read = await bulk.getUsersWithSoa(chunk);
  const results: PreflightResult[] = [];
  for (const upn of chunk) {
    const r = read.get(upn);
    if (!r) throw new DirectoryError('GRAPH.UNKNOWN', 'a user is missing from the batch answer');
    if (!r.ok) throw r.error;
    const { user, isCloudManaged } = r.value;
    results.push(preflightTransfer({ upn, user, isCloudManaged: user ? isCloudManaged : null, domainAuthenticationType: user ? await domainType(user.userPrincipalName) : null }));
  }
  return results;
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
