/** What a rollback must look at first: cloud objects that reference a user or a group (docs/soa-and-graph.md). */
import { DirectoryError, type AccessPackageRef, type CloudManagedGroup } from '../../ports/directory';
import { type Json, str } from './graph-body';
import { malformedBody, type GraphOperation } from './graph-error-mapper';
import { catalogIdFilter, catalogPath, groupPath, originIdFilter, userPath } from './graph-paths';
import { ACCESS_PACKAGE_EXPAND, MEMBER_OF_SELECT } from './graph-selects';
import type { GraphSender } from './graph-sender';

const ENTITLEMENT = '/identityGovernance/entitlementManagement';

/**
 * The groups the user is a direct member of (memberOf, not transitiveMemberOf: Microsoft's rollback
 * guidance checks the groups the user itself is in), each once. $top=999 is Graph's largest page here.
 */
export async function directGroupsOf(graph: GraphSender, userId: string): Promise<{ id: string; displayName: string; onPremisesSyncEnabled: boolean }[]> {
  const op: GraphOperation = 'listGroupMemberships';
  const first = graph.client
    .api(`${userPath(userId)}/memberOf/microsoft.graph.group`)
    .select([...MEMBER_OF_SELECT])
    .top(999);
  const groups: { id: string; displayName: string; onPremisesSyncEnabled: boolean }[] = [];
  const seen = new Set<string>();
  for (const { item, res } of await graph.listAll(op, first)) {
    const id = str(item.id);
    if (!id) throw malformedBody(op, res.status, res.requestId);
    if (seen.has(id.toLowerCase())) continue;
    seen.add(id.toLowerCase());
    groups.push({ id, displayName: str(item.displayName) ?? id, onPremisesSyncEnabled: item.onPremisesSyncEnabled === true });
  }
  return groups;
}

/** The groups the user is a direct member of whose SOA is in the cloud; `concurrency` group reads at once. */
export async function cloudManagedGroupsOf(graph: GraphSender, userId: string, concurrency: number): Promise<CloudManagedGroup[]> {
  const groups: CloudManagedGroup[] = (await directGroupsOf(graph, userId)).map(({ id, displayName }) => ({ id, displayName }));
  // Every group's SOA is read (also synced ones): the flag, not onPremisesSyncEnabled, is authoritative.
  const managed = await mapLimit(groups, concurrency, async (group) => {
    const op: GraphOperation = 'getGroupCloudManaged';
    const req = graph.client.api(`${groupPath(group.id)}/onPremisesSyncBehavior`).select(['isCloudManaged']);
    const res = await graph.send(op, req, 'GET', undefined, [404]);
    // Deleted between the two calls: it no longer references the user.
    if (res.status === 404) return false;
    return graph.isCloudManagedOf(op, res);
  });
  return groups.filter((_, i) => managed[i]);
}

/** The access packages that grant membership of the group, in any catalog that holds it as a resource. */
export async function accessPackagesUsingGroup(graph: GraphSender, groupId: string): Promise<AccessPackageRef[]> {
  const op: GraphOperation = 'accessPackagesUsingGroup';
  const id = groupId.trim();
  const wanted = id.toLowerCase();
  if (!wanted) throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty group id', { status: null });
  // The catalog list is read once per call.
  const catalogs: { id: string; displayName: string }[] = [];
  for (const { item, res } of await graph.listAll(op, graph.client.api(`${ENTITLEMENT}/catalogs`))) {
    const id = str(item.id);
    if (!id) throw malformedBody(op, res.status, res.requestId);
    catalogs.push({ id, displayName: str(item.displayName) ?? id });
  }
  const found = new Map<string, AccessPackageRef>();
  for (const catalog of catalogs) {
    const resourcesReq = graph.client.api(`${catalogPath(catalog.id)}/resources`).filter(encodeURIComponent(originIdFilter(id)));
    const resources = await graph.listAll(op, resourcesReq);
    if (!resources.some(({ item }) => str(item.originId)?.toLowerCase() === wanted)) continue;
    const packagesReq = graph.client
      .api(`${ENTITLEMENT}/accessPackages`)
      .filter(encodeURIComponent(catalogIdFilter(catalog.id)))
      .expand(encodeURIComponent(ACCESS_PACKAGE_EXPAND));
    for (const { item, res } of await graph.listAll(op, packagesReq)) {
      const id = str(item.id);
      const scopes = item.resourceRoleScopes;
      // Without the expanded role scopes the answer cannot be decided: fail rather than say "none".
      if (!id || !Array.isArray(scopes)) throw malformedBody(op, res.status, res.requestId);
      const usesGroup = scopes.some((rs) => {
        const scope = rs && typeof rs === 'object' ? (rs as Json).scope : null;
        return !!scope && typeof scope === 'object' && str((scope as Json).originId)?.toLowerCase() === wanted;
      });
      if (usesGroup && !found.has(id)) {
        found.set(id, { id, displayName: str(item.displayName) ?? id, catalogId: catalog.id, catalogName: catalog.displayName });
      }
    }
  }
  return [...found.values()];
}

/** Maps items with at most `limit` promises in flight; results keep the input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
