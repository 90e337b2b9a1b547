import type { UserTokenInput } from './auth/token-issuer';
import {
  BehaviourOptions,
  CallRecord,
  DelegatedAppSeed,
  RoleAssignmentSeed,
  DirectoryAudit,
  FaultSpec,
  SyncCycleResult,
  TenantSeed,
  TenantSettings,
  TenantState,
  ThrottleOptions,
  ThrottleStatus,
  UserRecord,
  UserSeed,
} from './types';

/** The emulator's public API: start options, the running handle, and the control surface. */

export interface EmulatorControl {
  /** Replace the directory (users, groups, domains, audits, settings) with the seed. */
  seed(seed: TenantSeed): void;
  /** Back to the start-up seed; faults, calls and throttle buckets cleared. */
  reset(): void;
  injectFault(fault: FaultSpec): string;
  /**
   * How many requests the fault with this id (from injectFault) has taken so far. A request is counted
   * when it arrives, before any delay: tests use it to know a delayed call has left the bot.
   */
  faultHits(id: string): number;
  clearFaults(): void;
  calls(): CallRecord[];
  clearCalls(): void;
  /** Roles put in tokens issued from now on (MSAL caches tokens: use a new credential to see a change). */
  setGrantedRoles(roles: string[]): void;
  setAuditDelay(ms: number): void;
  setBehaviour(patch: Partial<BehaviourOptions>): void;
  /**
   * The tenant safeguard (docs/soa-and-graph.md §6). Graph's own API for it (/directory/onPremisesSynchronization) is
   * delegated-only: the emulator answers app tokens 403 there, so tests read and set it here.
   */
  setTenantSettings(patch: Partial<TenantSettings>): void;
  tenantSettings(): TenantSettings;
  runSyncCycle(): SyncCycleResult;
  /** Create or merge a user (seed shape). Returns the stored record. */
  setUser(user: Partial<UserSeed> & { id?: string; userPrincipalName?: string }): UserRecord;
  getUser(idOrUpn: string): UserRecord | undefined;
  /** Replace the confidential clients allowed the on-behalf-of grant. */
  setDelegatedApps(apps: DelegatedAppSeed[]): void;
  /** Replace the directory role assignments, active and eligible (docs/soa-and-graph.md §6b). */
  setRoleAssignments(assignments: RoleAssignmentSeed[]): void;
  /** Replace a group's direct members (user or group ids): a membership change made in the directory. */
  setGroupMembers(groupId: string, members: string[]): void;
  /** Simulate an edit in AD DS: applied by the next sync cycle unless the user's SOA is in the cloud. */
  editInAd(idOrUpn: string, changes: Record<string, unknown>): void;
  /** All audit records, including those not yet visible. */
  audits(): DirectoryAudit[];
  /** Resource-unit throttling (docs/soa-and-graph.md §7) on with these settings, or off (null). Buckets start full again. */
  setThrottle(options: ThrottleOptions | null): void;
  /** Latency added to each Graph HTTP request (a $batch once, as a whole). 0 = none. */
  setLatency(ms: number): void;
  /** Limits, tokens left per app and counters of the resource-unit throttle. */
  throttleStatus(): ThrottleStatus;
  /**
   * Add `count` synced users (bulkNNNNN@domain, ids from bulkUserId) to the current directory, the
   * domain as Managed when missing, and optionally a group holding them. Returns the new users' ids.
   */
  addSyncedUsers(input: { count: number; domain?: string; start?: number; groupName?: string; groupId?: string }): string[];
}

export interface EmulatorOptions {
  /** 0 = random (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: TenantSeed;
  auditDelayMs?: number;
  /** Default: test/certs/server.pem + server-key.pem. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  clientId?: string;
  clientSecret?: string;
  tenantId?: string;
  /** Display name of the app in audit records' initiatedBy.app. */
  appDisplayName?: string;
  /** PEM certificates whose keys may sign client assertions. Default: test/certs/client-cert.pem. */
  clientCertificates?: (string | Buffer)[];
  /** Confidential clients allowed the on-behalf-of grant (e.g. the tab API). Default none. */
  delegatedApps?: DelegatedAppSeed[];
  /** Application permissions put in issued tokens' roles claim. Default DEFAULT_GRANTED_ROLES. */
  grantedRoles?: string[];
  behaviour?: Partial<BehaviourOptions>;
  /** Shortcut for behaviour.wrapSoaInValue. */
  wrapSoaInValue?: boolean;
  /** Shortcut for behaviour.soaPatchStatus. */
  soaPatchStatus?: 200 | 204;
  /** Shortcut for behaviour.auditThrottle. */
  auditThrottle?: boolean;
  /** Resource-unit throttling (docs/soa-and-graph.md §7); off when omitted. */
  throttle?: ThrottleOptions;
  /** Latency (ms) added to each Graph HTTP request, a $batch counting once as a whole. Default 0. */
  latencyMs?: number;
  /** Lifetime of issued access tokens in seconds (default 3599). */
  tokenLifetimeSeconds?: number;
  logger?: (line: string) => void;
}

export interface RunningEmulator {
  /** https://localhost:PORT (host name localhost: the Graph client only sends tokens to customHosts). */
  baseUrl: string;
  /** Same origin; give it to @azure/identity as authorityHost. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  port: number;
  state: TenantState;
  control: EmulatorControl;
  /**
   * The local Entra stand-in's delegated user tokens (tab SSO), signed with keys its JWKS
   * (/{tenant}/discovery/v2.0/keys) publishes. Tenant and authority default to the emulator's.
   */
  userTokens: {
    mint(input: Omit<UserTokenInput, 'tenantId' | 'authority'> & { tenantId?: string; authority?: string }): string;
    /** Key rotation: a new key appears in the JWKS; pass its kid to mint() to sign with it. */
    addSigningKey(): string;
  };
  close(): Promise<void>;
}
