/**
 * Public data shapes of the local Graph + Entra emulator (seeds, records, faults, throttling), in one
 * file for the tests, the playground and the bench. The running emulator's API (options, handle,
 * control surface) builds on these in emulator-api.ts; this file imports nothing, so there is no cycle.
 * `emulator/index.ts` exports both.
 */

/** A user as seeded. Omitted onPremises* fields default to null (a cloud-native user). */
export interface UserSeed {
  id: string;
  userPrincipalName: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  mail?: string | null;
  jobTitle?: string | null;
  accountEnabled?: boolean;
  onPremisesSyncEnabled?: boolean | null;
  onPremisesImmutableId?: string | null;
  onPremisesLastSyncDateTime?: string | null;
  onPremisesDistinguishedName?: string | null;
  onPremisesSamAccountName?: string | null;
  onPremisesSecurityIdentifier?: string | null;
  onPremisesDomainName?: string | null;
  onPremisesUserPrincipalName?: string | null;
  /** onPremisesSyncBehavior.isCloudManaged (default false). */
  isCloudManaged?: boolean;
  /** Any other Graph user properties to serve (e.g. proxyAddresses, onPremisesExtensionAttributes). */
  extra?: Record<string, unknown>;
}

export interface GroupSeed {
  id: string;
  displayName: string;
  description?: string | null;
  mailEnabled?: boolean;
  securityEnabled?: boolean;
  onPremisesSyncEnabled?: boolean | null;
  onPremisesImmutableId?: string | null;
  /** Served as the group's anchor (Graph groups have no onPremisesImmutableId); default derived from the id when the group has an immutableId. */
  onPremisesSecurityIdentifier?: string | null;
  onPremisesLastSyncDateTime?: string | null;
  isCloudManaged?: boolean;
  /** Direct members: user ids or group ids (nested groups make memberships transitive). */
  members?: string[];
}

export interface DomainSeed {
  /** The domain name, e.g. contoso.com. */
  id: string;
  authenticationType: 'Managed' | 'Federated';
  isVerified?: boolean;
  isDefault?: boolean;
}

/**
 * An access package of a catalog. `groupIds` are the groups it uses as resource scopes (each served as
 * an accessPackageResourceRoleScope with role "Member" and scope {originId: groupId, originSystem: 'AadGroup'}).
 * Real Graph needs the group to be a resource of the catalog first; the emulator does not enforce it.
 */
export interface AccessPackageSeed {
  id: string;
  displayName: string;
  groupIds: string[];
  description?: string | null;
  isHidden?: boolean;
  /** Default 2026-01-05T09:00:00Z (also modifiedDateTime). */
  createdDateTime?: string;
}

/** Entitlement-management catalog with its resources (rollback preflight: is a group used by an access package?). */
export interface CatalogSeed {
  id: string;
  displayName: string;
  resources?: { id: string; displayName: string; originId: string; originSystem?: string }[];
  accessPackages?: AccessPackageSeed[];
}

/**
 * A directory role a principal holds (docs/soa-and-graph.md §6b): 'active' is served by
 * /roleManagement/directory/roleAssignments, 'eligible' (PIM) by roleEligibilitySchedules and
 * roleEligibilityScheduleInstances.
 */
export interface RoleAssignmentSeed {
  /** Default: derived from the other fields. */
  id?: string;
  principalId: string;
  /** The role's template id, e.g. 62e90394-69f5-4237-9190-012177145e10 (Global Administrator). */
  roleDefinitionId: string;
  /** Served as roleDefinition.displayName with $expand=roleDefinition (default: the known name or 'Directory role'). */
  roleName?: string;
  kind: 'active' | 'eligible';
}

/**
 * A confidential client that may exchange a person's token on their behalf (OAuth 2.0 on-behalf-of), e.g. the
 * tab API's app registration: its secret, and the delegated Graph permissions an administrator consented to.
 */
export interface DelegatedAppSeed {
  clientId: string;
  clientSecret: string;
  /** e.g. ['OnPremDirectorySynchronization.ReadWrite.All']. */
  consentedScopes: string[];
}

export interface TenantSettings {
  /** Tenant safeguard (docs/soa-and-graph.md §6): while true, a sync cycle does not take over rolled-back objects. */
  blockCloudObjectTakeoverThroughHardMatchEnabled: boolean;
}

export interface TenantSeed {
  tenantId?: string;
  users?: UserSeed[];
  groups?: GroupSeed[];
  domains?: DomainSeed[];
  catalogs?: CatalogSeed[];
  /** Directory role assignments, active and eligible (docs/soa-and-graph.md §6b). */
  roleAssignments?: RoleAssignmentSeed[];
  /** Pre-existing audit records (visible at once). */
  directoryAudits?: DirectoryAudit[];
  settings?: Partial<TenantSettings>;
}

/** Stored user: all Graph properties plus the SOA flag (served only through onPremisesSyncBehavior). */
export interface UserRecord {
  id: string;
  userPrincipalName: string;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  businessPhones: string[];
  mobilePhone: string | null;
  officeLocation: string | null;
  preferredLanguage: string | null;
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesLastSyncDateTime: string | null;
  onPremisesDistinguishedName: string | null;
  onPremisesSamAccountName: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesDomainName: string | null;
  onPremisesUserPrincipalName: string | null;
  isCloudManaged: boolean;
  extra: Record<string, unknown>;
  /** Edits made in AD DS that the next sync cycle applies (or drops, once transferred). */
  pendingAdEdits: Record<string, unknown> | null;
}

export interface GroupRecord {
  id: string;
  displayName: string;
  description: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  onPremisesSecurityIdentifier: string | null;
  onPremisesLastSyncDateTime: string | null;
  isCloudManaged: boolean;
  members: string[];
}

export interface DirectoryAudit {
  id: string;
  category: string;
  correlationId: string;
  result: string;
  resultReason: string;
  activityDisplayName: string;
  activityDateTime: string;
  loggedByService: string;
  operationType: string;
  initiatedBy: {
    app: { appId: string; displayName: string; servicePrincipalId: string | null; servicePrincipalName: string | null } | null;
    user: { id: string; userPrincipalName: string } | null;
  };
  targetResources: {
    id: string;
    displayName: string | null;
    type: 'User' | 'Group';
    userPrincipalName: string | null;
    modifiedProperties: { displayName: string; oldValue: string; newValue: string }[];
  }[];
  additionalDetails: { key: string; value: string }[];
}

/** Behaviour the docs leave open (docs/soa-and-graph.md §2-§3): configurable, the bot must not depend on it. */
export interface BehaviourOptions {
  /** Answer GET onPremisesSyncBehavior as {"value":{...}} (the docs' sample) instead of the bare object. */
  wrapSoaInValue: boolean;
  /** Status of a successful SOA PATCH: 204 (newest docs) or 200 with the object (older docs). */
  soaPatchStatus: 200 | 204;
  /** SOA PATCH on a cloud-native object: 'reject' (400) or 'accept' (204/200, no change, no audit). */
  cloudNativeSoaPatch: 'reject' | 'accept';
  /** SOA PATCH with the value the object already has: 'no-op' (success, no audit) or 'reject' (400). */
  repeatedSoaPatch: 'no-op' | 'reject';
  /** Reports API throttle: 5 requests / 10 s / app on /auditLogs (429 + Retry-After). */
  auditThrottle: boolean;
  /** Return $batch responses in reverse order (real Graph does not promise request order). */
  reverseBatchResponses: boolean;
  /**
   * Page size of the collections that page (memberOf/transitiveMemberOf, entitlement-management catalogs,
   * resources and access packages): answers carry `@odata.nextLink` with a `$skiptoken`. null = one page.
   * A request's `$top` overrides it.
   */
  pageSize: number | null;
  /** Put `request-id` / `client-request-id` in each $batch item's headers (real Graph may leave them out). */
  batchItemRequestIds: boolean;
  /**
   * The group ids checkMemberGroups answers with: 'as-asked' (the strings of the request) or 'as-stored'
   * (each group's id as the directory holds it, whatever case the caller used). Graph documents neither;
   * a client must compare ids without regard to case.
   */
  checkMemberGroupsIds: 'as-asked' | 'as-stored';
}

/** Tenant size classes of docs/soa-and-graph.md §7 (by number of users): <50, 50-500, >500. */
export type TenantSizeClass = 'small' | 'medium' | 'large';

/**
 * Identity-and-access service limits of docs/soa-and-graph.md §7 as token buckets per app per tenant:
 * resource units per 10 s (by tenant size class) and writes per 150 s. Off unless given.
 */
export interface ThrottleOptions {
  /**
   * Resource units per 10 s. Default: by tenant size class (3,500 under 50 users, 5,000 for 50-500,
   * 8,000 over 500), the class taken from `tenantSize` or, when that is 'auto' (default), from the number
   * of users in the tenant at the time of each request.
   */
  resourceUnitsPer10s?: number;
  /** Size class used for the default resource units. Default 'auto' (from the user count). */
  tenantSize?: TenantSizeClass | 'auto';
  /** Writes per 150 s. Default 3000. */
  writesPer150s?: number;
  /**
   * Speed-up of time for the buckets: 10 means they refill 10x faster (10 s of Graph time pass in 1 s)
   * and Retry-After values are a tenth of Graph's, so a long wave can be benchmarked in a short run.
   * Default 1 (real time). Values below 1 slow time down.
   */
  timeScale?: number;
}

/**
 * status: answer with an error status; reset: destroy the socket; timeout: never answer (until close);
 * malformed: 200 with invalid JSON; delay: wait delayMs, then serve the request normally.
 */
export type FaultKind = 'status' | 'reset' | 'timeout' | 'malformed' | 'delay' | 'apply-then-reset';

export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Regex (string) tested against the path without /v1.0 or /beta and without query, e.g. "^/users/[^/]+/onPremisesSyncBehavior$". */
  pathPattern: string;
  /** Status for kind 'status' (default 503). */
  status?: number;
  /** How many matching requests fail. Default 1; a negative number means every request until cleared. */
  times?: number;
  /** Retry-After seconds (string or number, may be fractional). Every 429/503 gets one (default 1). */
  retryAfter?: string | number;
  /** error.code of the envelope (defaults by status: TooManyRequests, ServiceUnavailable, ...). */
  graphCode?: string;
  message?: string;
  /** Wait this long before answering (any kind). */
  delayMs?: number;
  kind?: FaultKind;
  /**
   * true: only requests carried inside a $batch (items); false: only top-level HTTP requests (the
   * $batch POST itself included). Default: both.
   */
  inBatch?: boolean;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  remaining: number;
  hits: number;
}

export interface CallRecord {
  method: string;
  /** Path without the version prefix and without query, as sent (not percent-decoded). */
  path: string;
  /** 'v1.0' | 'beta' for Graph calls, null for token/metadata calls. */
  version: string | null;
  query: Record<string, string>;
  status: number;
  requestId: string;
  clientRequestId: string | null;
  /** True for a request carried inside a $batch. */
  inBatch: boolean;
  /** Name of the injected fault kind when one answered this call. */
  fault: FaultKind | null;
  at: string;
}

export interface SyncCycleResult {
  /** Rolled-back objects the sync client took over (onPremisesSyncEnabled back to true). */
  takenOver: string[];
  /** Rolled-back objects left alone because the tenant safeguard is on. */
  blockedBySafeguard: string[];
  /** Synced objects whose pending AD edits were applied. */
  adEditsApplied: string[];
  /** Transferred objects whose AD edits were dropped. */
  adEditsDropped: string[];
}

export interface TenantState {
  tenantId: string;
  /** Keyed by lower-case id. */
  users: Map<string, UserRecord>;
  groups: Map<string, GroupRecord>;
  /** Keyed by lower-case domain name. */
  domains: Map<string, DomainSeed>;
  catalogs: CatalogSeed[];
  roleAssignments: RoleAssignmentSeed[];
  /** Apps allowed the on-behalf-of grant (not part of a seed; kept across reset). */
  delegatedApps: DelegatedAppSeed[];
  /** Every record with the time it becomes visible to queries. */
  audits: { record: DirectoryAudit; visibleAt: number }[];
  settings: TenantSettings;
  grantedRoles: string[];
  auditDelayMs: number;
  behaviour: BehaviourOptions;
  faults: ActiveFault[];
  calls: CallRecord[];
  /** Service limits and network: resource-unit throttling (null = off) and per-request latency. */
  limits: EmulatedLimits;
}

/** What `control.setThrottle` / `setLatency` change; `reset()` goes back to the start-up values. */
export interface EmulatedLimits {
  /** null: no resource-unit throttling. */
  throttle: ThrottleOptions | null;
  /** Added to each Graph HTTP request (a $batch counts once, as a whole). 0 = none. */
  latencyMs: number;
}

/** The resource-unit throttle as it stands (control `GET throttle`). */
export interface ThrottleStatus {
  enabled: boolean;
  tenantSize: TenantSizeClass;
  userCount: number;
  timeScale: number;
  resourceUnits: { capacity: number; windowSeconds: number; refillPerSecond: number };
  writes: { capacity: number; windowSeconds: number; refillPerSecond: number };
  latencyMs: number;
  /** Per app: tokens left now. */
  apps: { appId: string; resourceUnitsLeft: number; writesLeft: number }[];
  /** Since start or the last reset: requests charged, 429s answered by the buckets, units and writes taken. */
  counters: { charged: number; throttled: number; resourceUnits: number; writes: number };
}
