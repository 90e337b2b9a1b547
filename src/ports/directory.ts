import { HeldRole } from '../domain/preflight';
import { DirectoryUser } from '../domain/soa-state';
import { DirectoryGroup } from '../domain/group-preflight';
import { TargetType } from '../domain/soa-request';

/** A Graph call's trace for the record: method, path (no query secrets), status, request-id. */
export interface GraphCallRecord {
  method: string;
  path: string;
  status: number | null;
  requestId: string | null;
  at: string;
  durationMs: number;
}

/**
 * Failures the directory reports, with the stable codes of domain/errors.ts.
 * `status` is Graph's HTTP status when there was one; `graphCode` is Graph's error.code.
 */
export class DirectoryError extends Error {
  constructor(
    readonly code:
      'GRAPH.PERMISSION_MISSING' | 'GRAPH.NOT_FOUND' | 'GRAPH.BAD_REQUEST' | 'GRAPH.THROTTLED' | 'GRAPH.UNAVAILABLE' | 'GRAPH.AUTH_FAILED' | 'GRAPH.UNKNOWN',
    message: string,
    readonly details: { status?: number | null; graphCode?: string | null; requestId?: string | null; permission?: string | null } = {},
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export interface AuditRecord {
  id: string;
  activityDisplayName: string;
  activityDateTime: string;
  correlationId: string | null;
  result: string | null;
}

export interface SoaWriteResult {
  /** Graph's request-id of the PATCH. */
  requestId: string | null;
  status: number;
}

/** A group whose source of authority is in the cloud (onPremisesSyncBehavior.isCloudManaged true). */
export interface CloudManagedGroup {
  id: string;
  displayName: string;
}

/** An entitlement-management access package that uses a group as a resource role scope. */
export interface AccessPackageRef {
  id: string;
  displayName: string;
  catalogId: string;
  catalogName: string;
}

/** What the bot needs from Microsoft Graph, in domain words. Implemented by GraphDirectory. */
export interface Directory {
  /** null when the user does not exist (404). */
  getUser(upnOrId: string): Promise<DirectoryUser | null>;
  /** onPremisesSyncBehavior.isCloudManaged of a user, or of a group (`type` 'group': /groups/{id}/...). */
  getCloudManaged(objectId: string, type?: TargetType): Promise<boolean>;
  setCloudManaged(objectId: string, isCloudManaged: boolean, type?: TargetType): Promise<SoaWriteResult>;
  /** authenticationType of a verified domain; null when the tenant has no such domain. */
  getDomainAuthenticationType(domain: string): Promise<'Managed' | 'Federated' | null>;
  /** Transitive membership check: which of groupIds the user (or, `type` 'group', the group) belongs to. */
  memberGroups(objectId: string, groupIds: string[], type?: TargetType): Promise<string[]>;
  /** A group by object id; null when it does not exist (404). */
  getGroup(groupId: string): Promise<DirectoryGroup | null>;
  /** The groups directly nested in a group (its members that are groups). */
  nestedGroups(groupId: string): Promise<DirectoryGroup[]>;
  /** Group rollback (docs/soa-and-graph.md §6a): direct members whose onPremisesSyncEnabled is not true. */
  cloudOnlyMembers(groupId: string): Promise<{ id: string; displayName: string }[]>;
  /** Order guidance: the groups the user is a direct member of that are still synced from AD DS. */
  syncedGroupsOf(userId: string): Promise<{ id: string; displayName: string }[]>;
  /** Directory audit records for the object since a time whose activity starts with the prefix. */
  findAuditRecords(query: { objectId: string; activityPrefix: string; since: string }): Promise<AuditRecord[]>;
  /**
   * Rollback preflight (docs/soa-and-graph.md §6): the groups the user (object id) is a DIRECT member of whose SOA is in the
   * cloud. Direct membership is what Microsoft's rollback guidance checks; nested groups are not followed.
   */
  cloudManagedGroupsOf(userId: string): Promise<CloudManagedGroup[]>;
  /** Rollback preflight (docs/soa-and-graph.md §6): the access packages that use the group (object id) as a resource role scope. */
  accessPackagesUsingGroup(groupId: string): Promise<AccessPackageRef[]>;
  /**
   * Rollback preflight (docs/soa-and-graph.md §6b): the directory roles the user (object id) holds, active
   * (roleAssignments) and eligible (PIM roleEligibilityScheduleInstances), direct assignments to the user.
   */
  directoryRolesOf(userId: string): Promise<HeldRole[]>;
  /** How many users are still synchronized from AD DS (onPremisesSyncEnabled true): the tab's progress view. */
  countSyncedUsers(): Promise<number>;
}
