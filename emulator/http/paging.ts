import { badRequest } from './graph-errors';
import { GraphContext, GraphRequest, GraphResponse } from './graph-types';

/**
 * Server-side paging as Graph does it: `$top` (1..999) and the configured `behaviour.pageSize` (the
 * server's own page limit: a page may hold fewer items than `$top` asked for) cut the collection; the
 * answer then carries an absolute `@odata.nextLink` on the request's own origin with an opaque
 * `$skiptoken`. Without either, the whole collection is one page.
 */
export function pageOf<T>(
  req: GraphRequest,
  ctx: GraphContext,
  items: T[],
): { ok: true; value: T[]; nextLink: string | null } | { ok: false; response: GraphResponse } {
  let size = ctx.state.behaviour.pageSize;
  const top = req.query['$top'];
  if (top !== undefined) {
    const n = Number(top);
    if (!Number.isInteger(n) || n < 1 || n > 999) {
      return {
        ok: false,
        response: badRequest(req, `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`, 'Request_UnsupportedQuery'),
      };
    }
    size = size === null ? n : Math.min(size, n);
  }
  let offset = 0;
  const token = req.query['$skiptoken'];
  if (token !== undefined) {
    const decoded = decodeSkipToken(token);
    if (decoded === null) return { ok: false, response: badRequest(req, 'Invalid $skiptoken value.', 'Request_BadRequest') };
    offset = decoded;
  }
  if (size === null) return { ok: true, value: items.slice(offset), nextLink: null };
  const value = items.slice(offset, offset + size);
  const next = offset + size;
  if (next >= items.length) return { ok: true, value, nextLink: null };
  return { ok: true, value, nextLink: nextLinkFor(req, next) };
}

/** Adds `@odata.nextLink` to a collection body when there is one. */
export function withNextLink(body: Record<string, unknown>, nextLink: string | null): Record<string, unknown> {
  return nextLink ? { ...body, '@odata.nextLink': nextLink } : body;
}

function nextLinkFor(req: GraphRequest, offset: number): string {
  const host = req.headers.host || 'graph.microsoft.com';
  const params = Object.entries(req.query)
    .filter(([k]) => k !== '$skiptoken')
    .map(([k, v]) => `${encodeKey(k)}=${encodeURIComponent(v)}`);
  params.push(`$skiptoken=${encodeSkipToken(offset)}`);
  return `https://${host}/${req.version}${req.rawPath}?${params.join('&')}`;
}

function encodeKey(key: string): string {
  return key.startsWith('$') ? `$${encodeURIComponent(key.slice(1))}` : encodeURIComponent(key);
}

function encodeSkipToken(offset: number): string {
  return Buffer.from(`emu-offset:${offset}`, 'utf8').toString('base64url');
}

function decodeSkipToken(token: string): number | null {
  const m = /^emu-offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : null;
}
