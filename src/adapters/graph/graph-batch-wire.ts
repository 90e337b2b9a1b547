
/* Reading Graph's $batch answers: Retry-After, item responses, request ids, error kinds. */

/** Retry-After in ms: seconds (fractional allowed) or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined): number | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
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
