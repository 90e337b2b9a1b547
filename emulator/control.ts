import { addFault } from './faults';
import { runSyncCycle } from './state/soa-state-machine';
import { bulkUserId, withSyncedUsers } from './seeds/builders';
import { applySeed, findUser, invalidateUserIndex, toGroupRecord, toUserRecord } from './state/tenant-state';
import { EmulatorControl } from './emulator-api';
import { BehaviourOptions, EmulatedLimits, TenantSeed, TenantState, ThrottleStatus, UserRecord, UserSeed } from './types';

/** What reset() goes back to. */
export interface StartupSnapshot {
  seed: TenantSeed;
  grantedRoles: string[];
  auditDelayMs: number;
  behaviour: BehaviourOptions;
  limits: EmulatedLimits;
}

export const DEFAULT_BULK_DOMAIN = 'contoso.com';

export function createControl(state: TenantState, startup: StartupSnapshot, clearThrottles: () => void, throttleStatus: () => ThrottleStatus): EmulatorControl {
  return {
    seed(seed) {
      applySeed(state, seed);
    },
    reset() {
      applySeed(state, startup.seed);
      state.grantedRoles = [...startup.grantedRoles];
      state.auditDelayMs = startup.auditDelayMs;
      state.behaviour = { ...startup.behaviour };
      state.faults.length = 0;
      state.calls.length = 0;
      state.limits = cloneLimits(startup.limits);
      clearThrottles();
    },
    injectFault(fault) {
      return addFault(state, fault);
    },
    faultHits(id) {
      return state.faults.find((f) => f.id === id)?.hits ?? 0;
    },
    clearFaults() {
      state.faults.length = 0;
    },
    calls() {
      return state.calls.map((c) => ({ ...c, query: { ...c.query } }));
    },
    clearCalls() {
      state.calls.length = 0;
    },
    setGrantedRoles(roles) {
      state.grantedRoles = [...roles];
    },
    setAuditDelay(ms) {
      state.auditDelayMs = ms;
    },
    setBehaviour(patch) {
      state.behaviour = { ...state.behaviour, ...patch };
    },
    setTenantSettings(patch) {
      state.settings = { ...state.settings, ...patch };
    },
    tenantSettings() {
      return { ...state.settings };
    },
    runSyncCycle() {
      return runSyncCycle(state);
    },
    setUser(user) {
      return upsertUser(state, user);
    },
    getUser(idOrUpn) {
      return findUser(state, idOrUpn);
    },
    setDelegatedApps(apps) {
      state.delegatedApps = structuredClone(apps);
    },
    setRoleAssignments(assignments) {
      state.roleAssignments = structuredClone(assignments);
    },
    setGroupMembers(groupId, members) {
      const group = state.groups.get(groupId.toLowerCase());
      if (!group) throw new Error(`no group '${groupId}'`);
      group.members = [...members];
    },
    editInAd(idOrUpn, changes) {
      const user = findUser(state, idOrUpn);
      if (!user) throw new Error(`no user '${idOrUpn}'`);
      user.pendingAdEdits = { ...user.pendingAdEdits, ...changes };
    },
    audits() {
      return state.audits.map((a) => structuredClone(a.record));
    },
    setThrottle(options) {
      state.limits = { ...state.limits, throttle: options ? { ...options } : null };
      clearThrottles();
    },
    setLatency(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('latency must be a number of milliseconds >= 0');
      state.limits = { ...state.limits, latencyMs: ms };
    },
    throttleStatus() {
      return throttleStatus();
    },
    addSyncedUsers(input) {
      const count = Math.floor(Number(input.count));
      if (!Number.isFinite(count) || count < 1 || count > 200_000) throw new Error('count must be between 1 and 200000');
      const domain = input.domain ?? DEFAULT_BULK_DOMAIN;
      const start = input.start ?? nextBulkIndex(state);
      const added = withSyncedUsers({}, count, domain, { start, groupName: input.groupName, groupId: input.groupId });
      for (const u of added.users ?? []) {
        if (state.users.has(u.id.toLowerCase())) throw new Error(`user ${u.id} exists already`);
      }
      for (const u of added.users ?? []) state.users.set(u.id.toLowerCase(), toUserRecord(u));
      for (const d of added.domains ?? []) {
        if (!state.domains.has(d.id.toLowerCase())) state.domains.set(d.id.toLowerCase(), { isVerified: true, isDefault: false, ...d });
      }
      for (const g of added.groups ?? []) state.groups.set(g.id.toLowerCase(), toGroupRecord(g));
      invalidateUserIndex(state);
      return (added.users ?? []).map((u) => u.id);
    },
  };
}

export function cloneLimits(limits: EmulatedLimits): EmulatedLimits {
  return { throttle: limits.throttle ? { ...limits.throttle } : null, latencyMs: limits.latencyMs };
}

/** First bulk index not used yet (so repeated additions do not collide). */
function nextBulkIndex(state: TenantState): number {
  let i = 0;
  while (state.users.has(bulkUserId(i))) i += 1000;
  while (i > 0 && !state.users.has(bulkUserId(i - 1))) i -= 1;
  return i;
}

function upsertUser(state: TenantState, user: Partial<UserSeed>): UserRecord {
  const existing = (user.id && findUser(state, user.id)) || (user.userPrincipalName && findUser(state, user.userPrincipalName)) || undefined;
  if (!existing) {
    if (!user.id || !user.userPrincipalName) throw new Error('a new user needs id and userPrincipalName');
    const record = toUserRecord({ ...user, id: user.id, userPrincipalName: user.userPrincipalName });
    state.users.set(record.id.toLowerCase(), record);
    return record;
  }
  const { extra, id: _id, ...rest } = user;
  Object.assign(existing, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
  if (extra) existing.extra = { ...existing.extra, ...extra };
  invalidateUserIndex(state);
  return existing;
}
