import { randomUUID } from 'node:crypto';
import { recordCall } from '../calls';
import { faultStatusResponse, takeFault } from '../faults';
import { badRequest, graphError } from '../http/graph-errors';
import { GraphContext, GraphRequest, GraphResponse, RouteDefinition } from '../http/graph-types';
import { pathSegments, splitUrl, splitVersion } from '../http/parse-url';
import { FaultKind } from '../types';
import { sleep } from '../sleep';

/**
 * POST /$batch (docs/soa-and-graph.md §7): at most 20 requests, each with its own status; an item whose
 * dependsOn failed gets 424; items cannot switch API version. Items run through the same pipeline
 * (permissions, throttle, injected faults) as top-level requests, so an item can be 429 on its own.
 */

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

function validate(req: GraphRequest): { ok: true; items: BatchItem[] } | { ok: false; response: GraphResponse } {
  const requests = (req.body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return { ok: false, response: badRequest(req, 'Invalid batch payload format.', 'BadRequest') };
  }
  if (requests.length > 20) {
    return { ok: false, response: badRequest(req, 'Limit of 20 requests per batch exceeded.', 'BadRequest') };
  }
  const ids = new Set<string>();
  for (const r of requests as Partial<BatchItem>[]) {
    if (!r || typeof r.id !== 'string' || typeof r.method !== 'string' || typeof r.url !== 'string') {
      return { ok: false, response: badRequest(req, 'Each batch request needs id, method and url.', 'BadRequest') };
    }
    if (ids.has(r.id)) return { ok: false, response: badRequest(req, `Batch request id '${r.id}' is duplicated.`, 'BadRequest') };
    ids.add(r.id);
  }
  for (const r of requests as BatchItem[]) {
    for (const dep of r.dependsOn ?? []) {
      if (!ids.has(dep)) return { ok: false, response: badRequest(req, `Batch request '${r.id}' depends on unknown request '${dep}'.`, 'BadRequest') };
    }
  }
  return { ok: true, items: requests as BatchItem[] };
}

async function runItem(
  outer: GraphRequest,
  item: BatchItem,
  ctx: GraphContext,
): Promise<GraphResponse & { path: string; query: Record<string, string>; requestId: string; clientRequestId: string; fault: FaultKind | null }> {
  const headers = Object.fromEntries(Object.entries(item.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const ids = { requestId: randomUUID(), clientRequestId: headers['client-request-id'] ?? randomUUID() };
  const target = splitUrl(item.url.startsWith('/') ? item.url : `/${item.url}`);
  // The SDK's BatchRequestContent keeps the version in item urls ('/v1.0/users/x'): accept it when it matches.
  const { version, rest } = splitVersion(target.path);
  const base = { path: rest, query: target.query, ...ids, fault: null };
  if (version && version !== outer.version) {
    return { ...base, ...graphError(ids, 400, 'BadRequest', 'A batch cannot mix API versions.') };
  }
  const fault = takeFault(ctx.state, item.method, rest, true);
  if (fault?.delayMs) await sleep(fault.delayMs);
  if (fault && fault.kind !== 'delay') {
    // Socket-level faults cannot hit one item: the gateway reports them as a timed-out item.
    const kind = fault.kind ?? 'status';
    const res = kind === 'status' ? faultStatusResponse(ids, fault) : graphError(ids, 504, 'GatewayTimeout', 'The operation timed out.');
    return { ...base, ...res, fault: kind };
  }
  let segments: string[];
  try {
    segments = pathSegments(rest);
  } catch {
    return { ...base, ...graphError(ids, 400, 'BadRequest', 'Malformed percent-encoding in the request URL.') };
  }
  const inner: GraphRequest = {
    method: item.method.toUpperCase(),
    version: outer.version,
    rawPath: rest,
    segments,
    query: target.query,
    headers,
    body: item.body,
    token: outer.token,
    inBatch: true,
    ...ids,
  };
  return { ...base, ...(await ctx.dispatch(inner)) };
}

export const batchRoutes: RouteDefinition[] = [
  {
    method: 'POST',
    pattern: '/$batch',
    anyOfRoles: [],
    cost: 0,
    handler: async (req, _params, ctx) => {
      const checked = validate(req);
      if (!checked.ok) return checked.response;
      const byId = new Map(checked.items.map((i) => [i.id, i]));
      const results = new Map<string, ItemResponse>();
      const running = new Set<string>();

      const run = async (item: BatchItem): Promise<ItemResponse> => {
        const done = results.get(item.id);
        if (done) return done;
        if (running.has(item.id)) {
          return { id: item.id, status: 400, headers: {}, body: graphError(req, 400, 'BadRequest', 'Circular dependsOn.').body };
        }
        running.add(item.id);
        let failedDependency: string | null = null;
        for (const dep of item.dependsOn ?? []) {
          const depResult = await run(byId.get(dep) as BatchItem);
          if (depResult.status >= 400) failedDependency = dep;
        }
        let res: ItemResponse;
        if (failedDependency) {
          const err = graphError(req, 424, 'FailedDependency', `The request depends on request '${failedDependency}', which failed.`);
          res = { id: item.id, status: 424, headers: { 'Content-Type': 'application/json' }, body: err.body };
        } else {
          const r = await runItem(req, item, ctx);
          recordCall(ctx.state, {
            method: item.method.toUpperCase(),
            path: r.path,
            version: req.version,
            query: r.query,
            status: r.status,
            requestId: r.requestId,
            clientRequestId: r.clientRequestId,
            inBatch: true,
            fault: r.fault,
            at: new Date().toISOString(),
          });
          const headers: Record<string, string> = { ...r.headers };
          if (r.body !== undefined) headers['Content-Type'] = 'application/json';
          if (ctx.state.behaviour.batchItemRequestIds) {
            headers['request-id'] = r.requestId;
            headers['client-request-id'] = r.clientRequestId;
          }
          res = { id: item.id, status: r.status, headers, ...(r.body !== undefined ? { body: r.body } : {}) };
        }
        results.set(item.id, res);
        return res;
      };

      for (const item of checked.items) await run(item);
      const responses = checked.items.map((i) => results.get(i.id) as ItemResponse);
      if (ctx.state.behaviour.reverseBatchResponses) responses.reverse();
      return { status: 200, body: { responses } };
    },
  },
];
