import { createHash } from 'node:crypto';
import { DirectoryAudit, TenantSeed, UserSeed } from '../types';
import { ROLLBACK_ACTIVITY, TRANSFER_ACTIVITY } from '../state/soa-state-machine';

/**
 * Builders for realistic seed users in each SOA state of docs/soa-and-graph.md §1. The on-premises
 * attributes are what Connect Sync writes: immutableId = base64 of the AD objectGUID bytes, DN, SID...
 */

export interface PersonInput {
  id: string;
  userPrincipalName: string;
  displayName: string;
  /** Relative id for the SID; default derived from the id. */
  rid?: number;
  /** AD DNS domain; default corp.<upn suffix>. */
  adDomain?: string;
  lastSync?: string;
}

const DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820';
export const DEFAULT_LAST_SYNC = '2026-01-15T08:30:00Z';

function names(displayName: string): { givenName: string; surname: string } {
  const [givenName, ...rest] = displayName.split(' ');
  return { givenName, surname: rest.join(' ') || givenName };
}

/** base64 of a GUID in AD's byte order (first three groups little-endian), derived from the object id. */
export function immutableIdFor(objectId: string): string {
  const hex = createHash('sha256').update(`objectGUID:${objectId}`).digest('hex').slice(0, 32);
  const bytes = Buffer.from(hex, 'hex');
  const swapped = Buffer.concat([
    Buffer.from(bytes.subarray(0, 4)).reverse(),
    Buffer.from(bytes.subarray(4, 6)).reverse(),
    Buffer.from(bytes.subarray(6, 8)).reverse(),
    bytes.subarray(8),
  ]);
  return swapped.toString('base64');
}

export function cloudUser(p: PersonInput): UserSeed {
  return { id: p.id, userPrincipalName: p.userPrincipalName, displayName: p.displayName, mail: p.userPrincipalName, ...names(p.displayName) };
}

export function syncedUser(p: PersonInput): UserSeed {
  const [local, suffix] = p.userPrincipalName.split('@');
  const adDomain = p.adDomain ?? `corp.${suffix}`;
  const rid = p.rid ?? 1100 + (parseInt(createHash('sha1').update(p.id).digest('hex').slice(0, 4), 16) % 8000);
  const dc = adDomain
    .split('.')
    .map((d) => `DC=${d}`)
    .join(',');
  return {
    ...cloudUser(p),
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: immutableIdFor(p.id),
    onPremisesLastSyncDateTime: p.lastSync ?? DEFAULT_LAST_SYNC,
    onPremisesDistinguishedName: `CN=${p.displayName},OU=Users,OU=${suffix.split('.')[0]},${dc}`,
    onPremisesSamAccountName: local.slice(0, 20),
    onPremisesSecurityIdentifier: `${DOMAIN_SID}-${rid}`,
    onPremisesDomainName: adDomain,
    onPremisesUserPrincipalName: p.userPrincipalName,
    isCloudManaged: false,
  };
}

/** SOA in the cloud: not synced any more, anchor and on-prem attributes kept (docs/soa-and-graph.md §1). */
export function transferredUser(p: PersonInput): UserSeed {
  return { ...syncedUser(p), onPremisesSyncEnabled: null, isCloudManaged: true };
}

/** Rolled back, waiting for the next sync cycle to take it over. */
export function rolledBackUser(p: PersonInput): UserSeed {
  return { ...syncedUser(p), onPremisesSyncEnabled: null, isCloudManaged: false };
}

/** A past audit record for seeds (e.g. the transfer that made a seeded user 'transferred'). */
export function pastSoaAudit(input: {
  id: string;
  correlationId: string;
  direction: 'transfer' | 'rollback';
  at: string;
  target: { id: string; userPrincipalName: string; displayName: string };
  app: { appId: string; displayName: string };
}): DirectoryAudit {
  const transfer = input.direction === 'transfer';
  return {
    id: input.id,
    category: 'UserManagement',
    correlationId: input.correlationId,
    result: 'success',
    resultReason: '',
    activityDisplayName: transfer ? TRANSFER_ACTIVITY : ROLLBACK_ACTIVITY,
    activityDateTime: input.at,
    loggedByService: 'Core Directory',
    operationType: 'Update',
    initiatedBy: { app: { ...input.app, servicePrincipalId: null, servicePrincipalName: null }, user: null },
    targetResources: [
      {
        id: input.target.id,
        displayName: input.target.displayName,
        type: 'User',
        userPrincipalName: input.target.userPrincipalName,
        modifiedProperties: [{ displayName: 'isCloudManaged', oldValue: JSON.stringify(String(!transfer)), newValue: JSON.stringify(String(transfer)) }],
      },
    ],
    additionalDetails: [],
  };
}

/** Object id of the i-th bulk user (0-based): stable, so runs and tests can refer to them. */
export function bulkUserId(i: number): string {
  return `5d0a0b00-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** UPN of the i-th bulk user (0-based), e.g. bulk00042@contoso.com. */
export function bulkUserUpn(i: number, domain: string): string {
  return `bulk${String(i).padStart(5, '0')}@${domain}`;
}

/**
 * `count` users synced from AD DS (SOA still on premises), for waves and benchmarks: ids from
 * bulkUserId(start..), UPNs bulkNNNNN@domain. 10,000 take a few tens of milliseconds to build.
 */
export function syncedUsers(count: number, domain: string, options: { start?: number } = {}): UserSeed[] {
  const start = options.start ?? 0;
  const users: UserSeed[] = [];
  for (let i = start; i < start + count; i++) {
    users.push(
      syncedUser({
        id: bulkUserId(i),
        userPrincipalName: bulkUserUpn(i, domain),
        displayName: `Bulk User ${String(i).padStart(5, '0')}`,
        rid: 20_000 + i,
      }),
    );
  }
  return users;
}

/**
 * A copy of `seed` with `count` synced users added (see syncedUsers), the domain added as Managed when
 * the seed does not have it, and optionally a group holding all of them. The seed itself is not changed.
 */
export function withSyncedUsers(
  seed: TenantSeed,
  count: number,
  domain: string,
  options: { groupName?: string; groupId?: string; start?: number } = {},
): TenantSeed {
  const added = syncedUsers(count, domain, { start: options.start });
  const domains = [...(seed.domains ?? [])];
  if (!domains.some((d) => d.id.toLowerCase() === domain.toLowerCase())) domains.push({ id: domain, authenticationType: 'Managed' });
  const groups = [...(seed.groups ?? [])];
  if (options.groupName) {
    groups.push({
      id: options.groupId ?? BULK_GROUP_ID,
      displayName: options.groupName,
      onPremisesSyncEnabled: true,
      onPremisesImmutableId: immutableIdFor(options.groupId ?? BULK_GROUP_ID),
      members: added.map((u) => u.id),
    });
  }
  return { ...seed, users: [...(seed.users ?? []), ...added], domains, groups };
}

/** Id of the group withSyncedUsers creates when given a group name. */
export const BULK_GROUP_ID = '5d0a0b01-0000-4000-8000-000000000001';
