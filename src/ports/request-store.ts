import { ExecutionOutcome, RequestKind, RequestTarget, TargetType, SoaRequest } from '../domain/soa-request';

export interface RequestEvent {
  requestId: string;
  at: string;
  /** e.g. request.created, decision.approve, graph.patch, execution.user, audit.found, card.posted */
  type: string;
  actorId?: string | null;
  /** Structured detail; never tokens or raw payloads. */
  data: Record<string, unknown>;
}

export class VersionConflictError extends Error {
  constructor(
    readonly requestId: string,
    readonly expectedVersion: number,
  ) {
    super(`request ${requestId} changed since version ${expectedVersion}`);
    this.name = 'VersionConflictError';
  }
}

export interface RequestUpdateOptions {
  /**
   * Positions (in `next.targets`) of the only targets that differ from the stored version: the store
   * writes just those, the others keep what is stored. A wave saving one chunk of a 10,000-user request
   * lists its chunk. Omitted: every target is written.
   */
  changedTargets?: readonly number[];
}

/**
 * Durable record of requests and everything that happened to them. Writes are compare-and-set
 * on `version` so two clicks (or two instances) cannot both win.
 */
export interface RequestStore {
  create(request: SoaRequest, event: RequestEvent): Promise<void>;
  get(id: string): Promise<SoaRequest | null>;
  /** Saves `next` only if the stored version is `expectedVersion`; throws VersionConflictError otherwise. */
  update(next: SoaRequest, expectedVersion: number, events?: RequestEvent[], options?: RequestUpdateOptions): Promise<void>;
  appendEvents(events: RequestEvent[]): Promise<void>;
  /** The request's events in order; `excludeTypes` leaves out bulky per-call events (a detail view). */
  events(requestId: string, options?: { excludeTypes?: readonly string[] }): Promise<RequestEvent[]>;
  /**
   * A request without its targets (as a list row has it), for views that page the targets: a
   * 10,000-user request is not loaded whole to show 200 of its users.
   */
  getSummary(id: string): Promise<RequestSummary | null>;
  /** Targets at positions offset .. offset+limit-1, in order. */
  targetPage(id: string, offset: number, limit: number): Promise<RequestTarget[]>;
  /** How many targets have each execution outcome. */
  targetOutcomes(id: string): Promise<Partial<Record<ExecutionOutcome, number>>>;
  /**
   * The per-user results of the request's Graph writes (the `results` of its graph.patch.result
   * events) for the given user ids, with the time of their event, and how many results there are in all.
   */
  graphWriteResults(id: string, userIds: readonly string[]): Promise<{ total: number; results: { at: string; result: Record<string, unknown> }[] }>;
  listByStatus(statuses: readonly string[], limit?: number): Promise<SoaRequest[]>;
  /**
   * One page of requests matching `query`, without their targets (a list must not load 10,000 users per
   * row): keyset-paged by (createdAt, id), so page 1,000 costs what page 1 does.
   */
  listPage(query: RequestQuery): Promise<RequestPage>;
  /**
   * Users changed by the bot (target outcome 'done') per UTC day, per request kind, for targets finished
   * at or after `since` (ISO instant): the tab's progress chart.
   */
  executedByDay(since: string): Promise<ExecutedDay[]>;
}

/** How many targets of one kind and type the bot changed (outcome done) on one UTC day. */
export interface ExecutedDay {
  day: string;
  kind: RequestKind;
  targetType: TargetType;
  count: number;
}

/** Position after the last row of a page: the next page starts strictly after it. */
export interface RequestCursor {
  createdAt: string;
  id: string;
  /** Only in the 'status' order, where the status leads the key. */
  status?: string;
}

/** Filters are ANDed; a missing (or null) filter does not filter. */
export interface RequestQuery {
  statuses?: readonly string[] | null;
  kinds?: readonly RequestKind[] | null;
  /** The requester's Entra object id (case-insensitive). */
  requesterId?: string | null;
  /** createdAt >= createdFrom (ISO instant). */
  createdFrom?: string | null;
  /** createdAt < createdBefore (ISO instant). */
  createdBefore?: string | null;
  /** Requests with a target of this UPN (case-insensitive, exact). */
  targetUpn?: string | null;
  /**
   * Requests someone decided on (approved or rejected): an Entra object id, or a name (case-insensitive,
   * exact), matched against who decided.
   */
  decidedBy?: string | null;
  /** 'status': by status (text order), newest first within one status. */
  order: 'oldest-first' | 'newest-first' | 'status';
  after?: RequestCursor | null;
  /** Rows per page, 1..1000. */
  limit: number;
}

/** A request as a list shows it: everything but the targets, and how many there are. */
export type RequestSummary = Omit<SoaRequest, 'targets'> & { targetCount: number };

export interface RequestPage {
  requests: RequestSummary[];
  /** Cursor for the next page; null when this page is the last. */
  next: RequestCursor | null;
}
