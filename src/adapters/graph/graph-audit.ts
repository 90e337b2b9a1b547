import type { GraphRequest } from '@microsoft/microsoft-graph-client';
import type { AuditRecord } from '../../ports/directory';
import { type Json, str } from './graph-body';
import { malformedBody, type GraphOperation } from './graph-error-mapper';
import { auditFilter } from './graph-paths';
import type { GraphSender } from './graph-sender';

/**
 * The directory audit records of one object whose activity starts with `activityPrefix`, since `since`:
 * at most `maxPages` pages (the record searched for is recent, so a longer history is not read).
 */
export async function findAuditRecords(
  graph: GraphSender,
  query: { objectId: string; activityPrefix: string; since: string },
  maxPages: number,
): Promise<AuditRecord[]> {
  const op: GraphOperation = 'findAuditRecords';
  const filter = auditFilter(query.objectId, query.activityPrefix, query.since);
  const records: AuditRecord[] = [];
  let req: GraphRequest = graph.client.api('/auditLogs/directoryAudits').filter(encodeURIComponent(filter));
  for (let page = 0; page < maxPages; page++) {
    const res = await graph.send(op, req, 'GET');
    const body = graph.json(op, res);
    if (!Array.isArray(body.value)) throw malformedBody(op, res.status, res.requestId);
    for (const item of body.value as unknown[]) {
      const record = toAuditRecord(item);
      if (!record) throw malformedBody(op, res.status, res.requestId);
      records.push(record);
    }
    const next = str(body['@odata.nextLink']);
    if (!next) break;
    if (!graph.sameOrigin(next)) throw malformedBody(op, res.status, res.requestId);
    req = graph.client.api(next);
  }
  return records;
}

function toAuditRecord(item: unknown): AuditRecord | null {
  if (!item || typeof item !== 'object') return null;
  const o = item as Json;
  const id = str(o.id);
  const activityDisplayName = str(o.activityDisplayName);
  const activityDateTime = str(o.activityDateTime);
  if (!id || activityDisplayName === null || !activityDateTime) return null;
  return { id, activityDisplayName, activityDateTime, correlationId: str(o.correlationId), result: str(o.result) };
}
