import { describeFaults } from './faults';
import { demoTenant } from './seeds/demo-tenant';
import { EmulatorControl } from './emulator-api';
import { FaultSpec, RoleAssignmentSeed, TenantSeed, TenantState, ThrottleOptions } from './types';

/**
 * /_control/... : the EmulatorControl over HTTP for the playground and out-of-process tests.
 * Unauthenticated on purpose: the emulator listens on 127.0.0.1 only.
 */
export interface ControlResponse {
  status: number;
  body?: unknown;
}

export function handleControl(control: EmulatorControl, state: TenantState, method: string, path: string, body: unknown): ControlResponse {
  const parts = path
    .split('/')
    .filter(Boolean)
    .slice(1)
    .map((p) => decodeURIComponent(p));
  const route = `${method} ${parts[0] ?? ''}`;
  const b = (body ?? {}) as Record<string, unknown>;
  try {
    switch (route) {
      case 'GET state':
        return ok(snapshot(state));
      case 'POST seed':
        control.seed(parts[1] === 'demo' ? demoTenant() : (body as TenantSeed));
        return ok(snapshot(state));
      case 'POST reset':
        control.reset();
        return ok(snapshot(state));
      case 'GET faults':
        return ok(describeFaults(state));
      case 'POST faults':
        return ok({ id: control.injectFault(body as FaultSpec) });
      case 'DELETE faults':
        control.clearFaults();
        return ok({});
      case 'GET calls':
        return ok(control.calls());
      case 'DELETE calls':
        control.clearCalls();
        return ok({});
      case 'PUT granted-roles':
        control.setGrantedRoles(b.roles as string[]);
        return ok({ roles: state.grantedRoles });
      case 'PUT audit-delay':
        control.setAuditDelay(Number(b.ms));
        return ok({ ms: state.auditDelayMs });
      case 'PATCH behaviour':
        control.setBehaviour(b);
        return ok(state.behaviour);
      case 'GET tenant-settings':
        return ok(control.tenantSettings());
      case 'PATCH tenant-settings':
        if (Object.entries(b).some(([k, v]) => k !== 'blockCloudObjectTakeoverThroughHardMatchEnabled' || typeof v !== 'boolean')) {
          return { status: 400, body: { error: 'expected {"blockCloudObjectTakeoverThroughHardMatchEnabled": boolean}' } };
        }
        control.setTenantSettings(b);
        return ok(state.settings);
      case 'PUT role-assignments':
        if (!Array.isArray(b.assignments))
          return { status: 400, body: { error: 'expected {"assignments": [{principalId, roleDefinitionId, kind: "active" | "eligible", roleName?}]}' } };
        control.setRoleAssignments(b.assignments as RoleAssignmentSeed[]);
        return ok({ assignments: state.roleAssignments });
      case 'POST sync-cycle':
        return ok(control.runSyncCycle());
      case 'GET audits':
        return ok(control.audits());
      case 'GET users': {
        const user = parts[1] ? control.getUser(parts[1]) : undefined;
        return user ? ok(user) : { status: 404, body: { error: `no user '${parts[1] ?? ''}'` } };
      }
      case 'PUT users':
        return ok(control.setUser(b));
      case 'PATCH users': {
        const user = parts[1] ? control.getUser(parts[1]) : undefined;
        if (!user) return { status: 404, body: { error: `no user '${parts[1] ?? ''}'` } };
        return ok(control.setUser({ ...b, id: user.id }));
      }
      case 'GET throttle':
        return ok(control.throttleStatus());
      case 'PUT throttle': {
        if (b.enabled === false) {
          control.setThrottle(null);
          return ok(control.throttleStatus());
        }
        const options = throttleOptionsOf(b);
        if (typeof options === 'string') return { status: 400, body: { error: options } };
        control.setThrottle(options);
        return ok(control.throttleStatus());
      }
      case 'DELETE throttle':
        control.setThrottle(null);
        return ok(control.throttleStatus());
      case 'PUT latency':
        control.setLatency(Number(b.ms));
        return ok({ ms: state.limits.latencyMs });
      case 'POST synced-users': {
        const ids = control.addSyncedUsers({
          count: Number(b.count),
          domain: typeof b.domain === 'string' ? b.domain : undefined,
          start: b.start === undefined ? undefined : Number(b.start),
          groupName: typeof b.groupName === 'string' ? b.groupName : undefined,
          groupId: typeof b.groupId === 'string' ? b.groupId : undefined,
        });
        return ok({ added: ids.length, firstId: ids[0] ?? null, lastId: ids.at(-1) ?? null, userCount: state.users.size });
      }
      case 'POST users':
        if (parts[2] !== 'ad-edits') break;
        control.editInAd(parts[1], b);
        return ok(control.getUser(parts[1]));
      default:
        break;
    }
    return { status: 404, body: { error: `unknown control call ${method} ${path}` } };
  } catch (e) {
    return { status: 400, body: { error: e instanceof Error ? e.message : String(e) } };
  }
}

/** ThrottleOptions from a control body, or the reason it is not one. */
function throttleOptionsOf(b: Record<string, unknown>): ThrottleOptions | string {
  const out: ThrottleOptions = {};
  for (const [key, value] of Object.entries(b)) {
    if (key === 'enabled') continue;
    if (key === 'tenantSize') {
      if (value !== 'auto' && value !== 'small' && value !== 'medium' && value !== 'large') return 'tenantSize must be auto, small, medium or large';
      out.tenantSize = value;
    } else if (key === 'resourceUnitsPer10s' || key === 'writesPer150s' || key === 'timeScale') {
      if (typeof value !== 'number' || !(value > 0)) return `${key} must be a positive number`;
      out[key] = value;
    } else {
      return `unknown throttle option '${key}'`;
    }
  }
  return out;
}

function ok(body: unknown): ControlResponse {
  return { status: 200, body };
}

function snapshot(state: TenantState): unknown {
  return {
    tenantId: state.tenantId,
    users: [...state.users.values()],
    groups: [...state.groups.values()],
    domains: [...state.domains.values()],
    catalogs: state.catalogs,
    settings: state.settings,
    grantedRoles: state.grantedRoles,
    auditDelayMs: state.auditDelayMs,
    behaviour: state.behaviour,
    limits: state.limits,
    faults: describeFaults(state),
    auditCount: state.audits.length,
  };
}
