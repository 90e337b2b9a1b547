import type { Item } from './graph-batch-units';

/* Graph's $batch on the wire: the requests sent, and reading the answers (Retry-After, item responses, request ids, error kinds). */

/** One request inside a $batch body. */
export interface WireRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

/** What came back for a $batch POST. */
export interface BatchAnswer {
  status: number;
  requestId: string | null;
  /** The answer's own Retry-After (of the batch as a whole), in ms. */
  retryAfterMs: number | null;
  text: string;
}

/**
 * The $batch requests of `items` (ids 1..n). A dependency is only named when it travels in the same
 * batch (one that already succeeded is not).
 */
export function wireRequests(items: readonly Item[]): { requests: WireRequest[]; idOf: Map<Item, string> } {
  const idOf = new Map<Item, string>();
  items.forEach((item, i) => idOf.set(item, String(i + 1)));
  const requests = items.map((item): WireRequest => {
    const dependsOn = item.deps.filter((d) => idOf.has(d)).map((d) => idOf.get(d) as string);
    const headers: Record<string, string> = { ...(item.spec.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...item.spec.headers };
    return {
      id: idOf.get(item) as string,
      method: item.spec.method,
      url: item.spec.url,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(item.spec.body !== undefined ? { body: item.spec.body } : {}),
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    };
  });
  return { requests, idOf };
}

/** Retry-After in ms: seconds (fractional allowed) or an HTTP date (counted from `nowMs`); null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

export interface ParsedItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export function parseBatchBody(text: string): ParsedItemResponse[] | null {
  const json = parseJson(text) as { responses?: unknown } | null;
  if (!json || !Array.isArray(json.responses)) return null;
  const out: ParsedItemResponse[] = [];
  for (const r of json.responses as Record<string, unknown>[]) {
    if (!r || typeof r !== 'object' || typeof r.id !== 'string' || typeof r.status !== 'number') continue;
    const headers: Record<string, string> = {};
    if (r.headers && typeof r.headers === 'object') {
      for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    }
    out.push({ id: r.id, status: r.status, headers, body: r.body });
  }
  return out;
}

export function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function envelopeRequestId(body: unknown): string | null {
  const inner = (body as { error?: { innerError?: Record<string, unknown> } } | null)?.error?.innerError;
  const rid = inner?.['request-id'];
  return typeof rid === 'string' ? rid : null;
}

/** Token failures are tagged by the client factory (phase 'auth'): retrying the batch will not help. */
export function isAuthFailure(error: unknown): boolean {
  const custom = (error as { customError?: { phase?: unknown } } | null)?.customError;
  return !!custom && custom.phase === 'auth';
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
