import type { Client, GraphRequest } from '@microsoft/microsoft-graph-client';
import type { HeldRole } from '../../domain/preflight';
import type { DirectoryUser } from '../../domain/soa-state';
import { ROLE_QUESTIONS, roleQueryUrl, toHeldRoles } from './graph-directory-roles';
import type { DirectoryGroup } from '../../domain/group-preflight';
import type { TargetType } from '../../domain/soa-request';
import { type Json, str, toDirectoryUser } from './graph-body';
import type { AccessPackageRef, AuditRecord, CloudManagedGroup, Directory, SoaWriteResult } from '../../ports/directory';
import type { Logger } from '../../ports/logger';
import type { GraphApiVersion } from './graph-client-factory';
import { malformedBody, mapErrorResponse, type GraphOperation } from './graph-error-mapper';
import type { GraphCallOwner } from './graph-call-owner';
import { domainPath, groupPath, userPath } from './graph-paths';
import { CHECK_MEMBER_GROUPS_CHUNK, GROUP_SELECT, USER_SELECT } from './graph-selects';
import { GraphSender, type RawResult } from './graph-sender';
import { findAuditRecords } from './graph-audit';
import { accessPackagesUsingGroup, cloudManagedGroupsOf, directGroupsOf } from './graph-cloud-references';

/** Graph's answer when a version does not have a segment yet (group SOA is beta-only in the reference pages). */
const MISSING_SEGMENT = /Resource not found for the segment/i;

export interface GraphDirectoryOptions {
  client: Client;
  /** Default 'v1.0'; every call is sent with this version. */
  apiVersion?: GraphApiVersion;
  /** Graph base URL: `@odata.nextLink`s (audit records, lists) must stay on its origin (without it: any https link). */
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

export class GraphDirectory implements Directory {
  private readonly client: Client;
  private readonly graph: GraphSender;
  private readonly maxAuditPages: number;
  private readonly groupReadConcurrency: number;

  /** With an owner, every call is filed in that request's record and logged with its logger. */
  constructor(
    private readonly options: GraphDirectoryOptions,
    owner: GraphCallOwner | null = null,
  ) {
    this.client = options.client;
    this.graph = new GraphSender(
      options.client,
      { version: options.apiVersion ?? 'v1.0', baseUrl: options.baseUrl, maxListPages: Math.max(1, options.maxListPages ?? 20), logger: options.logger },
      owner,
    );
    this.maxAuditPages = Math.max(1, options.maxAuditPages ?? 10);
    this.groupReadConcurrency = Math.max(1, Math.floor(options.groupReadConcurrency ?? 4));
  }

  /** The same client and settings, for the calls made for one request. */
  forRequest(owner: GraphCallOwner): GraphDirectory {
    return new GraphDirectory(this.options, owner);
  }

  async getUser(upnOrId: string): Promise<DirectoryUser | null> {
    const op: GraphOperation = 'getUser';
    const res = await this.graph.send(op, this.client.api(userPath(upnOrId)).select([...USER_SELECT]), 'GET', undefined, [404]);
    if (res.status === 404) return null;
    return toDirectoryUser(this.graph.json(op, res), { op, ...res });
  }

  async getCloudManaged(objectId: string, type: TargetType = 'user'): Promise<boolean> {
    if (type === 'group') {
      const op: GraphOperation = 'getGroupCloudManaged';
      const res = await this.sendGroupSoa(op, () => this.client.api(`${groupPath(objectId)}/onPremisesSyncBehavior`).select(['isCloudManaged']), 'GET');
      return this.graph.isCloudManagedOf(op, res);
    }
    const op: GraphOperation = 'getCloudManaged';
    const req = this.client.api(`${userPath(objectId)}/onPremisesSyncBehavior`).select(['isCloudManaged']);
    const res = await this.graph.send(op, req, 'GET');
    return this.graph.isCloudManagedOf(op, res);
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
    const res = await this.graph.send(op, req, 'PATCH', { isCloudManaged });
    return { requestId: res.requestId, status: res.status };
  }

  async getGroup(groupId: string): Promise<DirectoryGroup | null> {
    const op: GraphOperation = 'getGroup';
    const res = await this.graph.send(op, this.client.api(groupPath(groupId)).select([...GROUP_SELECT]), 'GET', undefined, [404]);
    if (res.status === 404) return null;
    return toDirectoryGroup(op, res, this.graph.json(op, res));
  }

  async nestedGroups(groupId: string): Promise<DirectoryGroup[]> {
    const op: GraphOperation = 'listNestedGroups';
    const first = this.client
      .api(`${groupPath(groupId)}/members/microsoft.graph.group`)
      .select([...GROUP_SELECT])
      .top(999);
    return (await this.graph.listAll(op, first)).map(({ item, res }) => toDirectoryGroup(op, res, item));
  }

  async cloudOnlyMembers(groupId: string): Promise<{ id: string; displayName: string }[]> {
    // Microsoft's sample (docs/soa-and-graph.md §6a): the members whose onPremisesSyncEnabled is not true.
    const op: GraphOperation = 'listCloudOnlyMembers';
    const first = this.client
      .api(`${groupPath(groupId)}/members`)
      .select(['id', 'displayName', 'userPrincipalName', 'onPremisesSyncEnabled'])
      .top(999);
    const members: { id: string; displayName: string }[] = [];
    for (const { item, res } of await this.graph.listAll(op, first)) {
      const id = str(item.id);
      if (!id) throw malformedBody(op, res.status, res.requestId);
      if (item.onPremisesSyncEnabled === true) continue;
      members.push({ id, displayName: str(item.userPrincipalName) ?? str(item.displayName) ?? id });
    }
    return members;
  }

  async syncedGroupsOf(userId: string): Promise<{ id: string; displayName: string }[]> {
    // A synced group reads onPremisesSyncEnabled true; a transferred one reads null (docs/soa-and-graph.md §1).
    return (await directGroupsOf(this.graph, userId)).filter((g) => g.onPremisesSyncEnabled).map(({ id, displayName }) => ({ id, displayName }));
  }

  /**
   * A group SOA call in the configured version; on v1.0, Graph's "Resource not found for the segment"
   * (group SOA not in v1.0 yet in a tenant) is sent again on beta (docs/soa-and-graph.md §6a).
   */
  private async sendGroupSoa(op: GraphOperation, request: () => GraphRequest, method: 'GET' | 'PATCH', body?: unknown): Promise<RawResult> {
    const res = await this.graph.send(op, request(), method, body, [400, 404]);
    if (res.status < 300) return res;
    if (this.graph.version === 'v1.0' && MISSING_SEGMENT.test(res.text)) {
      this.graph.logger?.info({ op }, 'group SOA not in v1.0 here: sent again on beta');
      return this.graph.send(op, request(), method, body, [], 'beta');
    }
    throw mapErrorResponse(op, res.status, res.text, res.requestId);
  }

  async getDomainAuthenticationType(domain: string): Promise<'Managed' | 'Federated' | null> {
    const op: GraphOperation = 'getDomainAuthenticationType';
    const req = this.client.api(domainPath(domain)).select(['id', 'authenticationType']);
    const res = await this.graph.send(op, req, 'GET', undefined, [404]);
    if (res.status === 404) return null;
    const type = str(this.graph.json(op, res).authenticationType)?.toLowerCase();
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
    const res = await this.graph.send(op, req, 'GET');
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
      const res = await this.graph.send(op, req, 'POST', { groupIds: chunk });
      const value = this.graph.json(op, res).value;
      if (!Array.isArray(value)) throw malformedBody(op, res.status, res.requestId);
      // Group ids are GUIDs: Graph may answer in another case than asked (its own form), so compare without case.
      for (const id of value) if (typeof id === 'string') found.add(id.toLowerCase());
    }
    return unique.filter((id) => found.has(id.toLowerCase()));
  }

  findAuditRecords(query: { objectId: string; activityPrefix: string; since: string }): Promise<AuditRecord[]> {
    return findAuditRecords(this.graph, query, this.maxAuditPages);
  }

  cloudManagedGroupsOf(userId: string): Promise<CloudManagedGroup[]> {
    return cloudManagedGroupsOf(this.graph, userId, this.groupReadConcurrency);
  }

  accessPackagesUsingGroup(groupId: string): Promise<AccessPackageRef[]> {
    return accessPackagesUsingGroup(this.graph, groupId);
  }

  async directoryRolesOf(userId: string): Promise<HeldRole[]> {
    const held: HeldRole[] = [];
    for (const q of ROLE_QUESTIONS) {
      const res = await this.graph.send(q.op, this.client.api(roleQueryUrl(q.collection, userId)), 'GET');
      held.push(...toHeldRoles(this.graph.json(q.op, res), q.kind, { op: q.op, ...res }));
    }
    return held;
  }
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
