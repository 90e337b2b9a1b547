import { BehaviourOptions, GroupRecord, GroupSeed, TenantSeed, TenantState, UserRecord, UserSeed } from '../types';

export const DEFAULT_BEHAVIOUR: BehaviourOptions = {
  wrapSoaInValue: false,
  soaPatchStatus: 204,
  cloudNativeSoaPatch: 'reject',
  repeatedSoaPatch: 'no-op',
  auditThrottle: false,
  reverseBatchResponses: false,
  pageSize: null,
  batchItemRequestIds: false,
  checkMemberGroupsIds: 'as-asked',
};

export function toUserRecord(seed: Partial<UserSeed> & { id: string; userPrincipalName: string }): UserRecord {
  return {
    id: seed.id,
    userPrincipalName: seed.userPrincipalName,
    displayName: seed.displayName ?? null,
    givenName: seed.givenName ?? null,
    surname: seed.surname ?? null,
    mail: seed.mail ?? null,
    jobTitle: seed.jobTitle ?? null,
    accountEnabled: seed.accountEnabled ?? true,
    businessPhones: [],
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    onPremisesSyncEnabled: seed.onPremisesSyncEnabled ?? null,
    onPremisesImmutableId: seed.onPremisesImmutableId ?? null,
    onPremisesLastSyncDateTime: seed.onPremisesLastSyncDateTime ?? null,
    onPremisesDistinguishedName: seed.onPremisesDistinguishedName ?? null,
    onPremisesSamAccountName: seed.onPremisesSamAccountName ?? null,
    onPremisesSecurityIdentifier: seed.onPremisesSecurityIdentifier ?? null,
    onPremisesDomainName: seed.onPremisesDomainName ?? null,
    onPremisesUserPrincipalName: seed.onPremisesUserPrincipalName ?? null,
    isCloudManaged: seed.isCloudManaged ?? false,
    extra: { ...seed.extra },
    pendingAdEdits: null,
  };
}

export function toGroupRecord(seed: GroupSeed): GroupRecord {
  return {
    id: seed.id,
    displayName: seed.displayName,
    description: seed.description ?? null,
    mailEnabled: seed.mailEnabled ?? false,
    securityEnabled: seed.securityEnabled ?? true,
    onPremisesSyncEnabled: seed.onPremisesSyncEnabled ?? null,
    onPremisesImmutableId: seed.onPremisesImmutableId ?? null,
    // A group known to AD has an on-premises SID (what Graph serves as its anchor); the default is made from the id.
    onPremisesSecurityIdentifier:
      seed.onPremisesSecurityIdentifier !== undefined
        ? seed.onPremisesSecurityIdentifier
        : seed.onPremisesImmutableId
          ? `S-1-5-21-1004336348-1177238915-${parseInt(seed.id.replace(/[^0-9a-f]/gi, '').slice(-7) || '0', 16)}`
          : null,
    onPremisesLastSyncDateTime: seed.onPremisesLastSyncDateTime ?? null,
    isCloudManaged: seed.isCloudManaged ?? false,
    members: [...(seed.members ?? [])],
  };
}

/** Replace the directory part of the state with a seed (keeps roles, behaviour, faults). */
export function applySeed(state: TenantState, seed: TenantSeed): void {
  if (seed.tenantId) state.tenantId = seed.tenantId;
  state.users.clear();
  state.groups.clear();
  state.domains.clear();
  for (const u of seed.users ?? []) state.users.set(u.id.toLowerCase(), toUserRecord(u));
  invalidateUserIndex(state);
  for (const g of seed.groups ?? []) state.groups.set(g.id.toLowerCase(), toGroupRecord(g));
  for (const d of seed.domains ?? []) {
    state.domains.set(d.id.toLowerCase(), { isVerified: true, isDefault: false, ...d });
  }
  state.catalogs = structuredClone(seed.catalogs ?? []);
  state.roleAssignments = structuredClone(seed.roleAssignments ?? []);
  state.audits = (seed.directoryAudits ?? []).map((record) => ({ record: structuredClone(record), visibleAt: 0 }));
  state.settings = { blockCloudObjectTakeoverThroughHardMatchEnabled: true, ...seed.settings };
}

/**
 * UPN index per tenant state (a wave of thousands resolves users by UPN: a scan per request would be
 * quadratic). Rebuilt when the user map changed size or an entry no longer matches; code that changes a
 * user's UPN in place calls invalidateUserIndex.
 */
const upnIndexes = new WeakMap<TenantState, { size: number; byUpn: Map<string, UserRecord> }>();

export function invalidateUserIndex(state: TenantState): void {
  upnIndexes.delete(state);
}

function upnIndex(state: TenantState, rebuild: boolean): Map<string, UserRecord> {
  let index = upnIndexes.get(state);
  if (!index || rebuild || index.size !== state.users.size) {
    const byUpn = new Map<string, UserRecord>();
    for (const u of state.users.values()) {
      const upn = u.userPrincipalName.toLowerCase();
      if (!byUpn.has(upn)) byUpn.set(upn, u);
    }
    index = { size: state.users.size, byUpn };
    upnIndexes.set(state, index);
  }
  return index.byUpn;
}

/** Find a user by object id or UPN, both case-insensitive (as Graph does). */
export function findUser(state: TenantState, idOrUpn: string): UserRecord | undefined {
  const key = idOrUpn.toLowerCase();
  const byId = state.users.get(key);
  if (byId) return byId;
  const hit = upnIndex(state, false).get(key);
  if (hit && hit.userPrincipalName.toLowerCase() === key && state.users.get(hit.id.toLowerCase()) === hit) return hit;
  // Stale entry (a UPN changed in place): rebuild once and look again.
  if (hit) return upnIndex(state, true).get(key);
  return undefined;
}

export function findGroup(state: TenantState, id: string): GroupRecord | undefined {
  return state.groups.get(id.toLowerCase());
}

/** Groups that directly contain the object. */
export function directGroupsOf(state: TenantState, objectId: string): GroupRecord[] {
  const id = objectId.toLowerCase();
  return [...state.groups.values()].filter((g) => g.members.some((m) => m.toLowerCase() === id));
}

/** Groups that contain the object directly or through nested groups. */
export function transitiveGroupsOf(state: TenantState, objectId: string): GroupRecord[] {
  const seen = new Map<string, GroupRecord>();
  const queue = [objectId];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const g of directGroupsOf(state, current)) {
      const key = g.id.toLowerCase();
      if (!seen.has(key)) {
        seen.set(key, g);
        queue.push(g.id);
      }
    }
  }
  return [...seen.values()];
}
