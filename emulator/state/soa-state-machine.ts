import { randomUUID } from 'node:crypto';
import { DirectoryAudit, GroupRecord, SyncCycleResult, TenantState, UserRecord } from '../types';

/** The state table of docs/soa-and-graph.md §1 as transitions on one object (user or group). */

export const TRANSFER_ACTIVITY = 'Change Source of Authority from AD to cloud';
export const ROLLBACK_ACTIVITY = 'Undo changes to Source of Authority from AD DS to cloud';

export type SoaObject = UserRecord | GroupRecord;
export type SoaObjectType = 'User' | 'Group';

export interface AppIdentity {
  appId: string;
  displayName: string;
}

export type SwitchOutcome =
  { kind: 'switched'; direction: 'transfer' | 'rollback'; audit: DirectoryAudit } | { kind: 'no-op' } | { kind: 'rejected'; message: string };

/** Never synced: no anchor, not synced, not cloud-managed. A rolled-back object keeps its immutableId. */
export function isCloudNative(obj: SoaObject): boolean {
  return !obj.isCloudManaged && obj.onPremisesSyncEnabled !== true && !obj.onPremisesImmutableId;
}

export function switchSoa(state: TenantState, obj: SoaObject, type: SoaObjectType, isCloudManaged: boolean, app: AppIdentity): SwitchOutcome {
  if (isCloudNative(obj)) {
    // Undocumented (docs/soa-and-graph.md §3): default to a clear rejection so the bot never relies on it working.
    if (state.behaviour.cloudNativeSoaPatch === 'accept') return { kind: 'no-op' };
    return {
      kind: 'rejected',
      message: `The object '${obj.id}' is not synchronized from on-premises Active Directory (cloud-native); its source of authority cannot be changed.`,
    };
  }
  if (obj.isCloudManaged === isCloudManaged) {
    if (state.behaviour.repeatedSoaPatch === 'reject') {
      return { kind: 'rejected', message: `isCloudManaged is already ${String(isCloudManaged)} for object '${obj.id}'.` };
    }
    return { kind: 'no-op' };
  }
  const oldValue = obj.isCloudManaged;
  obj.isCloudManaged = isCloudManaged;
  // Both directions leave onPremisesSyncEnabled null: only a sync cycle sets it back to true (docs/soa-and-graph.md §1).
  obj.onPremisesSyncEnabled = null;
  const direction = isCloudManaged ? 'transfer' : 'rollback';
  const audit = writeSoaAudit(state, obj, type, direction, oldValue, app);
  return { kind: 'switched', direction, audit };
}

function writeSoaAudit(
  state: TenantState,
  obj: SoaObject,
  type: SoaObjectType,
  direction: 'transfer' | 'rollback',
  oldValue: boolean,
  app: AppIdentity,
): DirectoryAudit {
  const now = Date.now();
  const record: DirectoryAudit = {
    id: `Directory_${randomUUID()}`,
    category: type === 'User' ? 'UserManagement' : 'GroupManagement',
    correlationId: randomUUID(),
    result: 'success',
    resultReason: '',
    activityDisplayName: direction === 'transfer' ? TRANSFER_ACTIVITY : ROLLBACK_ACTIVITY,
    activityDateTime: new Date(now).toISOString(),
    loggedByService: 'Core Directory',
    operationType: 'Update',
    initiatedBy: {
      app: { appId: app.appId, displayName: app.displayName, servicePrincipalId: null, servicePrincipalName: null },
      user: null,
    },
    targetResources: [
      {
        id: obj.id,
        displayName: obj.displayName,
        type,
        userPrincipalName: 'userPrincipalName' in obj ? obj.userPrincipalName : null,
        modifiedProperties: [{ displayName: 'isCloudManaged', oldValue: JSON.stringify(String(oldValue)), newValue: JSON.stringify(String(!oldValue)) }],
      },
    ],
    additionalDetails: [],
  };
  // Records become visible to queries only after the configured delay (docs/soa-and-graph.md §4: minutes in real tenants).
  state.audits.push({ record, visibleAt: now + state.auditDelayMs });
  return record;
}

/** One sync-client cycle (docs/soa-and-graph.md §1, §6): take over rolled-back objects unless the safeguard is on; AD edits. */
export function runSyncCycle(state: TenantState): SyncCycleResult {
  const result: SyncCycleResult = { takenOver: [], blockedBySafeguard: [], adEditsApplied: [], adEditsDropped: [] };
  const now = new Date().toISOString();
  const objects: SoaObject[] = [...state.users.values(), ...state.groups.values()];
  for (const obj of objects) {
    const pending = 'pendingAdEdits' in obj ? obj.pendingAdEdits : null;
    if (obj.isCloudManaged) {
      if (pending && 'pendingAdEdits' in obj) {
        obj.pendingAdEdits = null;
        result.adEditsDropped.push(obj.id);
      }
      continue;
    }
    if (!obj.onPremisesImmutableId) continue; // cloud-native: the sync client has nothing to match.
    if (obj.onPremisesSyncEnabled !== true) {
      if (state.settings.blockCloudObjectTakeoverThroughHardMatchEnabled) {
        result.blockedBySafeguard.push(obj.id);
        continue;
      }
      obj.onPremisesSyncEnabled = true;
      result.takenOver.push(obj.id);
    }
    obj.onPremisesLastSyncDateTime = now;
    if (pending && 'pendingAdEdits' in obj) {
      Object.assign(obj, pending);
      obj.pendingAdEdits = null;
      result.adEditsApplied.push(obj.id);
    }
  }
  return result;
}
