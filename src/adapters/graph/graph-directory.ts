import { ResponseType, type Client, type GraphRequest } from '@microsoft/microsoft-graph-client';
import type { HeldRole } from '../../domain/preflight';
import type { DirectoryUser } from '../../domain/soa-state';
import { ROLE_QUESTIONS, roleQueryUrl, toHeldRoles } from './graph-directory-roles';
import type { DirectoryGroup } from '../../domain/group-preflight';
import type { TargetType } from '../../domain/soa-request';
import { type Json, str, toDirectoryUser, toIsCloudManaged } from './graph-body';
import { DirectoryError, type AccessPackageRef, type AuditRecord, type CloudManagedGroup, type Directory, type SoaWriteResult } from '../../ports/directory';
import type { Logger } from '../../ports/logger';
import type { GraphApiVersion } from './graph-client-factory';
import { malformedBody, mapErrorResponse, mapThrownError, transportFailure, type GraphOperation } from './graph-error-mapper';
import type { GraphCallOwner } from './graph-call-owner';
import { auditFilter, catalogIdFilter, catalogPath, domainPath, groupPath, originIdFilter, userPath } from './graph-paths';

export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'onPremisesSyncEnabled',
  'onPremisesImmutableId',
  'onPremisesLastSyncDateTime',
  'onPremisesDistinguishedName',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesDomainName',
  'onPremisesUserPrincipalName',
  'mail',
] as const;

/** docs/soa-and-graph.md §6a: what a group target is read with (groups have no onPremisesImmutableId; the SID is their anchor). */
export const GROUP_SELECT = [
  'id',
  'displayName',
  'mailEnabled',
  'onPremisesSyncEnabled',
  'onPremisesSecurityIdentifier',
  'onPremisesLastSyncDateTime',
] as const;

/** Graph's answer when a version does not have a segment yet (group SOA is beta-only in the reference pages). */
const MISSING_SEGMENT = /Resource not found for the segment/i;

/** checkMemberGroups accepts at most 20 group ids per request. */
export const CHECK_MEMBER_GROUPS_CHUNK = 20;

/** docs/soa-and-graph.md §2 "Group memberships": what cloudManagedGroupsOf reads per group. */
export const MEMBER_OF_SELECT = ['id', 'displayName', 'onPremisesSyncEnabled'] as const;

/** The nested expand that puts each role scope's scope (originId = group id) on an access package. */
export const ACCESS_PACKAGE_EXPAND = 'resourceRoleScopes($expand=scope)';

const ENTITLEMENT = '/identityGovernance/entitlementManagement';

export interface GraphDirectoryOptions {
  client: Client;
  /** Default 'v1.0'; every call is sent with this version. */
  apiVersion?: GraphApiVersion;
  /** Graph base URL: audit `@odata.nextLink`s must stay on its origin (without it: any https link). */
  baseUrl?: string;
  /** Pages of audit records followed at most. Default 10. */
  maxAuditPages?: number;
  /**
   * Pages followed at most for memberOf and the entitlement-management lists. Default 20. A list that
   * still has a next page after that fails (GRAPH.UNKNOWN): a truncated list could hide a blocker.
   */
  maxListPages?: number;
  /** Group SOA reads in flight at once in cloudManagedGroupsOf. Default 4. */
  groupReadConcurrency?: number;
  logger?: Logger;
}

interface RawResult {
  status: number;
  requestId: string | null;
  text: string;
}

export class GraphDirectory implements Directory {
  private readonly client: Client;
  private readonly version: GraphApiVersion;
  private readonly baseOrigin: string | null;
  private readonly maxAuditPages: number;
  private readonly maxListPages: number;
  private readonly groupReadConcurrency: number;
  private readonly logger: Logger | undefined;

  /** With an owner, every call is filed in that request's record and logged with its logger. */
  constructor(
    private readonly options: GraphDirectoryOptions,
    private readonly owner: GraphCallOwner | null = null,
  ) {
    this.client = options.client;
    this.version = options.apiVersion ?? 'v1.0';
    this.baseOrigin = options.baseUrl ? new URL(options.baseUrl).origin : null;
    this.maxAuditPages = Math.max(1, options.maxAuditPages ?? 10);
    this.maxListPages = Math.max(1, options.maxListPages ?? 20);
    this.groupReadConcurrency = Math.max(1, Math.floor(options.groupReadConcurrency ?? 4));
    this.logger = owner?.logger ?? options.logger;
  }

  /** The same client and settings, for the calls made for one request. */
  forRequest(owner: GraphCallOwner): GraphDirectory {
    return new GraphDirectory(this.options, owner);
  }

  async getUser(upnOrId: string): Promise<DirectoryUser | null> {
    const op: GraphOperation = 'getUser';
    const res = await this.send(op, this.client.api(userPath(upnOrId)).select([...USER_SELECT]), 'GET', undefined, [404]);
    if (res.status === 404) return null;
    return toDirectoryUser(this.json(op, res), { op, ...res });
  }

  async getCloudManaged(objectId: string, type: TargetType = 'user'): Promise<boolean> {
    if (type === 'group') {
      const op: GraphOperation = 'getGroupCloudManaged';
      const res = await this.sendGroupSoa(op, () => this.client.api(`${groupPath(objectId)}/onPremisesSyncBehavior`).select(['isCloudManaged']), 'GET');
      return this.isCloudManagedOf(op, res);
    }
    const op: GraphOperation = 'getCloudManaged';
    const req = this.client.api(`${userPath(objectId)}/onPremisesSyncBehavior`).select(['isCloudManaged']);
    const res = await this.send(op, req, 'GET');
    return this.isCloudManagedOf(op, res);
  }

  async setCloudManaged(objectId: string, isCloudManaged: boolean, type: TargetType = 'user'): Promise<SoaWriteResult> {
    // 204 (newest docs) and 200 with the object (older docs) both mean success; the body is not needed.
    if (type === 'group') {
      const res = await this.sendGroupSoa('setGroupCloudManaged', () => this.client.api(`${groupPath(objectId)}/onPremisesSyncBehavior`), 'PATCH', {
        isCloudManaged,
      });
      return { requestId: res.requestId, status: res.status };
    }
    const op: GraphOperation = 'setCloudManaged';
    const req = this.client.api(`${userPath(objectId)}/onPremisesSyncBehavior`);
    const res = await this.send(op, req, 'PATCH', { isCloudManaged });
    return { requestId: res.requestId, status: res.status };
  }

  async getGroup(groupId: string): Promise<DirectoryGroup | null> {
    const op: GraphOperation = 'getGroup';
    const res = await this.send(op, this.client.api(groupPath(groupId)).select([...GROUP_SELECT]), 'GET', undefined, [404]);
    if (res.status === 404) return null;
    return toDirectoryGroup(op, res, this.json(op, res));
  }

  async nestedGroups(groupId: string): Promise<DirectoryGroup[]> {
    const op: GraphOperation = 'listNestedGroups';
    const first = this.client
      .api(`${groupPath(groupId)}/members/microsoft.graph.group`)
      .select([...GROUP_SELECT])
      .top(999);
    return (await this.listAll(op, first)).map(({ item, res }) => toDirectoryGroup(op, res, item));
  }

  async cloudOnlyMembers(groupId: string): Promise<{ id: string; displayName: string }[]> {
    // Microsoft's sample (docs/soa-and-graph.md §6a): the members whose onPremisesSyncEnabled is not true.
    const op: GraphOperation = 'listCloudOnlyMembers';
    const first = this.client
      .api(`${groupPath(groupId)}/members`)
      .select(['id', 'displayName', 'userPrincipalName', 'onPremisesSyncEnabled'])
      .top(999);
    const members: { id: string; displayName: string }[] = [];
    for (const { item, res } of await this.listAll(op, first)) {
      const id = str(item.id);
      if (!id) throw malformedBody(op, res.status, res.requestId);
      if (item.onPremisesSyncEnabled === true) continue;
      members.push({ id, displayName: str(item.userPrincipalName) ?? str(item.displayName) ?? id });
    }
    return members;
  }

  async syncedGroupsOf(userId: string): Promise<{ id: string; displayName: string }[]> {
    // A synced group reads onPremisesSyncEnabled true; a transferred one reads null (docs/soa-and-graph.md §1).
    const op: GraphOperation = 'listGroupMemberships';
    const first = this.client
      .api(`${userPath(userId)}/memberOf/microsoft.graph.group`)
      .select([...MEMBER_OF_SELECT])
      .top(999);
    const groups: { id: string; displayName: string }[] = [];
    for (const { item, res } of await this.listAll(op, first)) {
      const id = str(item.id);
      if (!id) throw malformedBody(op, res.status, res.requestId);
      if (item.onPremisesSyncEnabled === true) groups.push({ id, displayName: str(item.displayName) ?? id });
    }
    return groups;
  }

  /**
   * A group SOA call in the configured version; on v1.0, Graph's "Resource not found for the segment"
   * (group SOA not in v1.0 yet in a tenant) is sent again on beta (docs/soa-and-graph.md §6a).
   */
  private async sendGroupSoa(op: GraphOperation, request: () => GraphRequest, method: 'GET' | 'PATCH', body?: unknown): Promise<RawResult> {
    const res = await this.send(op, request(), method, body, [400, 404]);
    if (res.status < 300) return res;
    if (this.version === 'v1.0' && MISSING_SEGMENT.test(res.text)) {
      this.logger?.info({ op }, 'group SOA not in v1.0 here: sent again on beta');
      return this.send(op, request(), method, body, [], 'beta');
    }
    throw mapErrorResponse(op, res.status, res.text, res.requestId);
  }

  async getDomainAuthenticationType(domain: string): Promise<'Managed' | 'Federated' | null> {
    const op: GraphOperation = 'getDomainAuthenticationType';
    const req = this.client.api(domainPath(domain)).select(['id', 'authenticationType']);
    const res = await this.send(op, req, 'GET', undefined, [404]);
    if (res.status === 404) return null;
    const type = str(this.json(op, res).authenticationType)?.toLowerCase();
    if (type === 'managed') return 'Managed';
    if (type === 'federated') return 'Federated';
    throw malformedBody(op, res.status, res.requestId);
  }

  /**
   * `GET /users/$count?$filter=onPremisesSyncEnabled eq true`: an advanced query, so Graph wants the
   * `ConsistencyLevel: eventual` header (400 without it); the answer is a bare number (text/plain) and, being
   * eventually consistent, may lag recent changes by a little.
   */
  async countSyncedUsers(): Promise<number> {
    const op: GraphOperation = 'countSyncedUsers';
    const req = this.client.api('/users/$count').filter('onPremisesSyncEnabled eq true').header('ConsistencyLevel', 'eventual');
    const res = await this.send(op, req, 'GET');
    const text = res.text.trim();
    if (!/^\d{1,12}$/.test(text)) throw malformedBody(op, res.status, res.requestId);
    return Number(text);
  }

  async memberGroups(objectId: string, groupIds: string[], type: TargetType = 'user'): Promise<string[]> {
    const op: GraphOperation = type === 'group' ? 'groupMemberGroups' : 'memberGroups';
    const unique = [...new Set(groupIds)];
    const found = new Set<string>();
    for (let i = 0; i < unique.length; i += CHECK_MEMBER_GROUPS_CHUNK) {
      const chunk = unique.slice(i, i + CHECK_MEMBER_GROUPS_CHUNK);
      const req = this.client.api(`${type === 'group' ? groupPath(objectId) : userPath(objectId)}/checkMemberGroups`);
      const res = await this.send(op, req, 'POST', { groupIds: chunk });
      const value = this.json(op, res).value;
      if (!Array.isArray(value)) throw malformedBody(op, res.status, res.requestId);
      // Group ids are GUIDs: Graph may answer in another case than asked (its own form), so compare without case.
      for (const id of value) if (typeof id === 'string') found.add(id.toLowerCase());
    }
    return unique.filter((id) => found.has(id.toLowerCase()));
  }

  async findAuditRecords(query: { objectId: string; activityPrefix: string; since: string }): Promise<AuditRecord[]> {
    const op: GraphOperation = 'findAuditRecords';
    const filter = auditFilter(query.objectId, query.activityPrefix, query.since);
    const records: AuditRecord[] = [];
    let req: GraphRequest = this.client.api('/auditLogs/directoryAudits').filter(encodeURIComponent(filter));
    for (let page = 0; page < this.maxAuditPages; page++) {
      const res = await this.send(op, req, 'GET');
      const body = this.json(op, res);
      if (!Array.isArray(body.value)) throw malformedBody(op, res.status, res.requestId);
      for (const item of body.value as unknown[]) {
        const record = toAuditRecord(item);
        if (!record) throw malformedBody(op, res.status, res.requestId);
        records.push(record);
      }
      const next = str(body['@odata.nextLink']);
      if (!next) break;
      if (!this.sameOrigin(next)) throw malformedBody(op, res.status, res.requestId);
      req = this.client.api(next);
    }
    return records;
  }

  async cloudManagedGroupsOf(userId: string): Promise<CloudManagedGroup[]> {
    // Direct memberships only (memberOf, not transitiveMemberOf): Microsoft's rollback guidance checks
    // the groups the user itself is a member of. $top=999 is Graph's largest page for memberOf.
    const listOp: GraphOperation = 'listGroupMemberships';
    const first = this.client
      .api(`${userPath(userId)}/memberOf/microsoft.graph.group`)
      .select([...MEMBER_OF_SELECT])
      .top(999);
    const groups: CloudManagedGroup[] = [];
    const seen = new Set<string>();
    for (const { item, res } of await this.listAll(listOp, first)) {
      const id = str(item.id);
      if (!id) throw malformedBody(listOp, res.status, res.requestId);
      if (seen.has(id.toLowerCase())) continue;
      seen.add(id.toLowerCase());
      groups.push({ id, displayName: str(item.displayName) ?? id });
    }
    // Every group's SOA is read (also synced ones): the flag, not onPremisesSyncEnabled, is authoritative.
    const managed = await mapLimit(groups, this.groupReadConcurrency, async (group) => {
      const op: GraphOperation = 'getGroupCloudManaged';
      const req = this.client.api(`${groupPath(group.id)}/onPremisesSyncBehavior`).select(['isCloudManaged']);
      const res = await this.send(op, req, 'GET', undefined, [404]);
      // Deleted between the two calls: it no longer references the user.
      if (res.status === 404) return false;
      return this.isCloudManagedOf(op, res);
    });
    return groups.filter((_, i) => managed[i]);
  }

  async accessPackagesUsingGroup(groupId: string): Promise<AccessPackageRef[]> {
    const op: GraphOperation = 'accessPackagesUsingGroup';
    const id = groupId.trim();
    const wanted = id.toLowerCase();
    if (!wanted) throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty group id', { status: null });
    // The catalog list is read once per call.
    const catalogs: { id: string; displayName: string }[] = [];
    for (const { item, res } of await this.listAll(op, this.client.api(`${ENTITLEMENT}/catalogs`))) {
      const id = str(item.id);
      if (!id) throw malformedBody(op, res.status, res.requestId);
      catalogs.push({ id, displayName: str(item.displayName) ?? id });
    }
    const found = new Map<string, AccessPackageRef>();
    for (const catalog of catalogs) {
      const resourcesReq = this.client.api(`${catalogPath(catalog.id)}/resources`).filter(encodeURIComponent(originIdFilter(id)));
      const resources = await this.listAll(op, resourcesReq);
      if (!resources.some(({ item }) => str(item.originId)?.toLowerCase() === wanted)) continue;
      const packagesReq = this.client
        .api(`${ENTITLEMENT}/accessPackages`)
        .filter(encodeURIComponent(catalogIdFilter(catalog.id)))
        .expand(encodeURIComponent(ACCESS_PACKAGE_EXPAND));
      for (const { item, res } of await this.listAll(op, packagesReq)) {
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

  async directoryRolesOf(userId: string): Promise<HeldRole[]> {
    const held: HeldRole[] = [];
    for (const q of ROLE_QUESTIONS) {
      const res = await this.send(q.op, this.client.api(roleQueryUrl(q.collection, userId)), 'GET');
      held.push(...toHeldRoles(this.json(q.op, res), q.kind, { op: q.op, ...res }));
    }
    return held;
  }

  private isCloudManagedOf(op: GraphOperation, res: RawResult): boolean {
    return toIsCloudManaged(this.json(op, res), { op, ...res });
  }

  /**
   * Every item of a collection, following `@odata.nextLink` on the Graph origin for at most
   * maxListPages pages; a further page fails closed (GRAPH.UNKNOWN) instead of truncating.
   */
  private async listAll(op: GraphOperation, first: GraphRequest): Promise<{ item: Json; res: RawResult }[]> {
    const items: { item: Json; res: RawResult }[] = [];
    let req = first;
    for (let page = 0; ; page++) {
      const res = await this.send(op, req, 'GET');
      const body = this.json(op, res);
      if (!Array.isArray(body.value)) throw malformedBody(op, res.status, res.requestId);
      for (const item of body.value as unknown[]) {
        if (!item || typeof item !== 'object' || Array.isArray(item)) throw malformedBody(op, res.status, res.requestId);
        items.push({ item: item as Json, res });
      }
      const next = str(body['@odata.nextLink']);
      if (!next) return items;
      if (!this.sameOrigin(next)) throw malformedBody(op, res.status, res.requestId);
      if (page + 1 >= this.maxListPages) {
        throw new DirectoryError('GRAPH.UNKNOWN', `Graph ${op}: more than ${this.maxListPages} pages; the list was not read to the end`, {
          status: res.status,
          graphCode: null,
          requestId: res.requestId,
        });
      }
      req = this.client.api(next);
    }
  }

  private sameOrigin(link: string): boolean {
    try {
      const origin = new URL(link).origin;
      return this.baseOrigin === null ? origin.startsWith('https://') : origin === this.baseOrigin;
    } catch {
      return false;
    }
  }

  /** Sends one request in RAW mode; returns 2xx (and the statuses in `allow`), throws a DirectoryError otherwise. */
  private async send(
    op: GraphOperation,
    request: GraphRequest,
    method: 'GET' | 'PATCH' | 'POST',
    body?: unknown,
    allow: number[] = [],
    version: GraphApiVersion = this.version,
  ): Promise<RawResult> {
    const started = performance.now();
    let response: Response;
    try {
      const raw = request.version(version).responseType(ResponseType.RAW);
      if (this.owner) raw.middlewareOptions([this.owner]);
      response = (await (method === 'GET' ? raw.get() : method === 'PATCH' ? raw.patch(body) : raw.post(body))) as Response;
    } catch (err) {
      const mapped = mapThrownError(op, err);
      this.logger?.debug({ op, code: mapped.code, graphCode: mapped.details.graphCode ?? null }, 'graph operation failed');
      throw mapped;
    }
    const requestId = response.headers.get('request-id');
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw mapThrownError(op, transportFailure(err, 0), requestId);
    }
    const durationMs = Math.round(performance.now() - started);
    this.logger?.debug({ op, status: response.status, requestId, durationMs }, 'graph operation');
    if (response.ok || allow.includes(response.status)) return { status: response.status, requestId, text };
    throw mapErrorResponse(op, response.status, text, requestId);
  }

  private json(op: GraphOperation, res: RawResult): Json {
    try {
      const parsed: unknown = JSON.parse(res.text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Json;
    } catch {
      // fall through
    }
    throw malformedBody(op, res.status, res.requestId);
  }
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

function toDirectoryGroup(op: GraphOperation, res: RawResult, o: Json): DirectoryGroup {
  const id = str(o.id);
  if (!id) throw malformedBody(op, res.status, res.requestId);
  return {
    id,
    displayName: str(o.displayName) ?? id,
    mailEnabled: o.mailEnabled === true,
    onPremisesSyncEnabled: typeof o.onPremisesSyncEnabled === 'boolean' ? o.onPremisesSyncEnabled : null,
    onPremisesSecurityIdentifier: str(o.onPremisesSecurityIdentifier),
    onPremisesLastSyncDateTime: str(o.onPremisesLastSyncDateTime),
  };
}

function toAuditRecord(item: unknown): AuditRecord | null {
  if (!item || typeof item !== 'object') return null;
  const o = item as Json;
  const id = str(o.id);
  const activityDisplayName = str(o.activityDisplayName);
  const activityDateTime = str(o.activityDateTime);
  if (!id || activityDisplayName === null || !activityDateTime) return null;
  return { id, activityDisplayName, activityDateTime, correlationId: str(o.correlationId), result: str(o.result) };
}
