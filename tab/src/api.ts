import type {
  Decision,
  DelegationRow,
  Detail,
  Me,
  MigrationProgress,
  NewRequestAnswer,
  Page,
  PreflightRow,
  SafeguardAnswer,
  Summary,
  WaitingItem,
} from './types';
import type { ListFilters as QueryFilters } from '../../src/app/tab/list-requests';

/** A refusal or failure from the API: the server's sentence (wording.ts) when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The refusal's detail (e.g. `blocked` users of a new request), when the server sent one. */
    readonly detail: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

/** Exactly one kind of target: typed UPNs, a CSV file's text, or a group (name or object id). */
export type Targets = { upns: string[] } | { csv: string } | { group: string; nested?: boolean };

export type TokenSource = () => Promise<string>;

/** The server's list filters (query-string text there), with the two the tab holds as values typed. */
export type ListFilters = Omit<QueryFilters, 'mine' | 'limit'> & { mine?: boolean; limit?: number };

export function filterQuery(filters: ListFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === '' || value === false) continue;
    params.set(key, value === true ? '1' : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The tab's only way to the server: the SSO token goes in the Authorization header, asked from Teams
 * for every call (Teams caches it), never kept here and never put in a URL.
 */
export function createApi(token: TokenSource, base = '/api/tab') {
  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${await token()}`);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    let response: Response;
    try {
      // No cookies: the token is the only credential (the API answers with Cache-Control: no-store).
      response = await fetch(`${base}${path}`, { ...init, headers, credentials: 'omit' });
    } catch {
      throw new ApiError(0, 'NETWORK', 'The SOA Bot service could not be reached. Check your connection and try again.');
    }
    if (response.ok) return response;
    let body: { error?: string; message?: string; detail?: Record<string, unknown> } = {};
    try {
      body = (await response.json()) as typeof body;
    } catch {
      // not JSON: the status speaks for itself
    }
    throw new ApiError(response.status, body.error ?? `HTTP_${response.status}`, body.message ?? describeStatus(response.status), body.detail ?? null);
  }
  const json = async <T>(path: string, init?: RequestInit): Promise<T> => (await call(path, init)).json() as Promise<T>;
  const post = <T>(path: string, body: unknown) => json<T>(path, { method: 'POST', body: JSON.stringify(body) });

  return {
    me: () => json<Me>('/me'),
    waiting: () => json<{ items: WaitingItem[]; truncated: boolean }>('/waiting'),
    list: (filters: ListFilters) => json<Page<Summary>>(`/requests${filterQuery(filters)}`),
    detail: (id: string, targetsCursor?: string) =>
      json<Detail>(`/requests/${encodeURIComponent(id)}${targetsCursor ? `?targetsCursor=${encodeURIComponent(targetsCursor)}` : ''}`),
    decide: (id: string, decision: Decision, version: number, comment: string) =>
      post<unknown>(`/requests/${encodeURIComponent(id)}/decision`, { decision, version, comment: comment || null }),
    progress: () => json<MigrationProgress>('/progress'),
    /** The users as UPNs or as the CSV file's text (read on the server by the same reader as a CSV sent in chat), or a group. */
    preflight: (body: { kind: string } & Targets) => post<{ targets: PreflightRow[] }>('/preflight', body),
    create: (body: { kind: string; justification: string; idempotencyKey: string } & Targets) => post<NewRequestAnswer>('/requests', body),
    delegations: () => json<{ delegations: DelegationRow[] }>('/delegations'),
    /** No body: the delegation is named in the path. */
    endDelegation: (id: string) => json<{ id: string; ended: true }>(`/delegations/${encodeURIComponent(id)}/end`, { method: 'POST' }),
    switchSafeguard: (id: string, enabled: boolean) => post<SafeguardAnswer>(`/requests/${encodeURIComponent(id)}/safeguard`, { enabled }),
    /** Export through fetch + Blob: the token stays in a header, the file name comes from the server. */
    async exportFile(format: 'csv' | 'json', filters: ListFilters): Promise<{ blob: Blob; fileName: string }> {
      const { cursor: _cursor, limit: _limit, ...rest } = filters;
      const response = await call(`/export.${format}${filterQuery(rest)}`);
      const disposition = response.headers.get('content-disposition') ?? '';
      const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `soa-requests.${format}`;
      return { blob: await response.blob(), fileName };
    },
  };
}

export type Api = ReturnType<typeof createApi>;

function describeStatus(status: number): string {
  if (status === 401) return 'Your sign-in could not be verified. Reload the tab.';
  if (status === 403) return 'You do not have access to this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests: wait a minute and try again.';
  return `The service answered with an error (${status}). Try again.`;
}
