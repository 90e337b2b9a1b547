import { addFault } from './faults';
import { runSyncCycle } from './state/soa-state-machine';
import { applySeed, findUser, toUserRecord } from './state/tenant-state';
import { EmulatorControl } from './emulator-api';
import { BehaviourOptions, TenantSeed, TenantState, UserRecord, UserSeed } from './types';

/** What reset() goes back to. */
export interface StartupSnapshot {
  seed: TenantSeed;
  grantedRoles: string[];
  auditDelayMs: number;
  behaviour: BehaviourOptions;
}

export function createControl(state: TenantState, startup: StartupSnapshot, clearThrottles: () => void): EmulatorControl {
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
      clearThrottles();
    },
    injectFault(fault) {
      return addFault(state, fault);
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
    editInAd(idOrUpn, changes) {
      const user = findUser(state, idOrUpn);
      if (!user) throw new Error(`no user '${idOrUpn}'`);
      user.pendingAdEdits = { ...user.pendingAdEdits, ...changes };
    },
    audits() {
      return state.audits.map((a) => structuredClone(a.record));
    },
  };
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
  return existing;
}
