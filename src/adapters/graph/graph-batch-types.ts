import type { GraphApiVersion } from './graph-client-factory';

/** What a caller hands the batch executor, and what it gets back for each request. */
export interface BatchRequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query after the version, e.g. `/users/{id}/onPremisesSyncBehavior?$select=isCloudManaged`. */
  url: string;
  /** JSON body (sent with Content-Type application/json). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Default: the executor's version. Batches never mix versions. */
  version?: GraphApiVersion;
  /** Indices of requests of the same execute() call that must succeed first (sent in the same batch). */
  dependsOn?: number[];
  /** A POST that only reads (checkMemberGroups): it travels in the read lane, not with the writes. */
  readOnly?: boolean;
}

/** One request's final answer; header names are lower-case. */
export type BatchItemOutcome =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: unknown; requestId: string | null; attempts: number }
  | { kind: 'error'; error: unknown; attempts: number };
