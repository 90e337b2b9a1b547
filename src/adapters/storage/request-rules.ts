import { TransferRequest } from '../../domain/transfer-request';
import { RequestEvent } from '../../ports/request-store';
import { toInstant } from './time';

/**
 * Checks every RequestStore implementation makes before writing, so they fail the same way.
 * `next.version` must move forward: an update that keeps the version would let a second stale click win.
 */
export function assertNextVersion(next: TransferRequest, expectedVersion: number): void {
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

/** The indexed columns of a request row, timestamps normalized so text order is time order. */
export function requestColumns(request: TransferRequest) {
  return {
    id: request.id,
    kind: request.kind,
    status: request.status,
    version: request.version,
    createdAt: toInstant(request.createdAt, 'createdAt'),
    expiresAt: toInstant(request.expiresAt, 'expiresAt'),
    requesterId: request.requester.aadObjectId,
    body: JSON.stringify(request),
  };
}
