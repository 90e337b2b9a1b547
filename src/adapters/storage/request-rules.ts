import { SoaRequest } from '../../domain/soa-request';
import { RequestEvent, RequestSummary } from '../../ports/request-store';
import { toInstant } from './iso-instants';

/**
 * Checks every RequestStore implementation makes before writing, so they fail the same way.
 * `next.version` must move forward: an update that keeps the version would let a second stale click win.
 */
export function assertNextVersion(next: SoaRequest, expectedVersion: number): void {
  if (!Number.isInteger(next.version) || next.version <= expectedVersion) {
    throw new Error(`request ${next.id}: next.version (${next.version}) must be greater than expectedVersion (${expectedVersion})`);
  }
}

export function assertEventsFor(requestId: string, events: readonly RequestEvent[]): void {
  for (const e of events) {
    if (e.requestId !== requestId) {
      throw new Error(`event ${e.type} belongs to request ${e.requestId}, not to ${requestId}`);
    }
  }
}

/**
 * The indexed columns of a request row, timestamps normalized so text order is time order. The body is
 * the request without its targets: each target has its own row (request_targets), so a wave that
 * changes 500 users of 10,000 writes 500 small rows, not the whole list again.
 */
export function requestColumns(request: SoaRequest) {
  return {
    id: request.id,
    kind: request.kind,
    status: request.status,
    version: request.version,
    createdAt: toInstant(request.createdAt, 'createdAt'),
    expiresAt: toInstant(request.expiresAt, 'expiresAt'),
    requesterId: request.requester.aadObjectId,
    body: JSON.stringify({ ...request, targets: undefined }),
  };
}

export interface TargetRow {
  idx: number;
  body: string;
}

/**
 * The target rows an update writes: those at `changed` (see RequestUpdateOptions.changedTargets), or all
 * of them. Positions must exist in the request.
 */
export function targetRows(request: SoaRequest, changed?: readonly number[]): TargetRow[] {
  if (!changed) return request.targets.map((t, idx) => ({ idx, body: JSON.stringify(t) }));
  return [...new Set(changed)].map((idx) => {
    if (!Number.isInteger(idx) || idx < 0 || idx >= request.targets.length) {
      throw new Error(`request ${request.id}: changed target ${idx} is not a position of its ${request.targets.length} targets`);
    }
    return { idx, body: JSON.stringify(request.targets[idx]) };
  });
}

/** A request from its row body and its target rows (ordered by idx). */
export function assembleRequest(body: string, targets: readonly { body: string }[]): SoaRequest {
  const request = JSON.parse(body) as SoaRequest;
  request.targets = targets.map((t) => JSON.parse(t.body));
  return request;
}

/** A list row: the stored body (which has no targets) and the count of target rows. */
export function summaryOf(body: string, targetCount: number): RequestSummary {
  const { targets: _targets, ...rest } = JSON.parse(body) as RequestSummary & { targets?: unknown };
  return { ...rest, targetCount };
}
