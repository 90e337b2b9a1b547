import { ROLES } from '../auth/permissions';
import { badRequest, graphError, notFound } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { parseAuditFilter } from '../odata/audit-filter';
import { DirectoryAudit } from '../types';

/**
 * GET /auditLogs/directoryAudits[?$filter=...&$top=N] and /auditLogs/directoryAudits/{id}.
 * Only records past their visibility delay are returned (docs/soa-and-graph.md §4), newest first.
 */

function throttled(req: GraphRequest, ctx: GraphContext): GraphResponse | null {
  if (!ctx.state.behaviour.auditThrottle) return null;
  const wait = ctx.auditThrottle.take(req.token.appid);
  if (wait === null) return null;
  return graphError(req, 429, 'TooManyRequests', 'Too many requests.', { retryAfter: wait });
}

function visible(ctx: GraphContext): DirectoryAudit[] {
  const now = Date.now();
  // Newest first; records written in the same millisecond keep write order (later first).
  return ctx.state.audits
    .map((a, index) => ({ ...a, index }))
    .filter((a) => a.visibleAt <= now)
    .sort((a, b) => Date.parse(b.record.activityDateTime) - Date.parse(a.record.activityDateTime) || b.index - a.index)
    .map((a) => a.record);
}

export const directoryAuditRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/auditLogs/directoryAudits',
    anyOfRoles: [...ROLES.auditRead],
    cost: 2,
    handler: (req, _params, ctx) => {
      const limited = throttled(req, ctx);
      if (limited) return limited;
      let records = visible(ctx);
      const filter = req.query['$filter'];
      if (filter !== undefined && filter.trim() !== '') {
        const parsed = parseAuditFilter(filter);
        if (!parsed.ok) return badRequest(req, parsed.message, 'BadRequest');
        records = records.filter(parsed.predicate);
      }
      // $orderby is accepted and ignored (always newest first); $top limits like Graph's page size.
      const top = req.query['$top'];
      if (top !== undefined) {
        const n = Number(top);
        if (!Number.isInteger(n) || n < 1) return badRequest(req, `Invalid value '${top}' for $top.`, 'BadRequest');
        records = records.slice(0, n);
      }
      return {
        status: 200,
        body: { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#auditLogs/directoryAudits`, value: structuredClone(records) },
      };
    },
  },
  {
    method: 'GET',
    pattern: '/auditLogs/directoryAudits/:id',
    anyOfRoles: [...ROLES.auditRead],
    cost: 1,
    handler: (req, { id }, ctx) => {
      const limited = throttled(req, ctx);
      if (limited) return limited;
      const record = visible(ctx).find((r) => r.id === id);
      if (!record) return notFound(req, id);
      return {
        status: 200,
        body: { '@odata.context': `https://graph.microsoft.com/${req.version}/$metadata#auditLogs/directoryAudits/$entity`, ...structuredClone(record) },
      };
    },
  },
];
