import { randomUUID } from 'node:crypto';
import { DEFAULT_CODE_BY_STATUS, DEFAULT_MESSAGE_BY_STATUS, graphError, RequestIds } from './http/graph-errors';
import { GraphResponse } from './http/graph-types';
import { ActiveFault, FaultSpec, TenantState } from './types';

/** Fault injection: the first active fault whose method and path regex match answers the request. */

export function addFault(state: TenantState, spec: FaultSpec): string {
  new RegExp(spec.pathPattern); // fail fast on a bad pattern, at injection time rather than per request
  const id = randomUUID();
  const times = spec.times ?? 1;
  state.faults.push({ ...spec, id, remaining: times < 0 ? Number.POSITIVE_INFINITY : times, hits: 0 });
  return id;
}

/**
 * Consume one use of the first matching fault. `path` is the path without version prefix or query;
 * `inBatch` tells a $batch item from a top-level HTTP request (faults may target either).
 */
export function takeFault(state: TenantState, method: string, path: string, inBatch = false): ActiveFault | null {
  for (const fault of state.faults) {
    if (fault.remaining <= 0) continue;
    if (fault.inBatch !== undefined && fault.inBatch !== inBatch) continue;
    if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
    if (!matches(fault.pathPattern, path)) continue;
    fault.remaining -= 1;
    fault.hits += 1;
    return fault;
  }
  return null;
}

function matches(pattern: string, path: string): boolean {
  const re = new RegExp(pattern);
  // Match the raw path and its decoded form, so patterns can use either '%23EXT%23' or '#EXT#'.
  if (re.test(path)) return true;
  try {
    return re.test(decodeURIComponent(path));
  } catch {
    return false;
  }
}

/** JSON-safe view (Infinity is not JSON). */
export function describeFaults(state: TenantState): (Omit<ActiveFault, 'remaining'> & { remaining: number | 'unlimited' })[] {
  return state.faults.map((f) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : 'unlimited' }));
}

/** The Graph envelope a 'status' fault answers with (defaults per status, Retry-After on 429/503). */
export function faultStatusResponse(ids: RequestIds, fault: ActiveFault): GraphResponse {
  const status = fault.status ?? 503;
  const code = fault.graphCode ?? DEFAULT_CODE_BY_STATUS[status] ?? 'UnknownError';
  const message = fault.message ?? DEFAULT_MESSAGE_BY_STATUS[status] ?? 'Injected fault.';
  return graphError(ids, status, code, message, fault.retryAfter !== undefined ? { retryAfter: fault.retryAfter } : {});
}
