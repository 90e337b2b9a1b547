import type { Client } from '@microsoft/microsoft-graph-client';
import type { HeldRole } from '../../domain/preflight';
import type { DirectoryUser } from '../../domain/soa-state';
import { ROLE_QUESTIONS, roleQueryUrl, toHeldRoles } from './graph-directory-roles';
import { asObject, str, toDirectoryUser, toIsCloudManaged } from './graph-body';
import type { BulkDirectory, BulkResult, UserWithSoa, WriteOptions } from '../../ports/bulk-directory';
import { DirectoryError, type SoaWriteResult } from '../../ports/directory';
import type { Logger } from '../../ports/logger';
import { type Clock, systemClock } from '../../ports/clock';
import type { BatchItemOutcome, BatchRequestSpec } from './graph-batch-types';
import { GraphBatchExecutor, type GraphBatchExecutorOptions, parseRetryAfter } from './graph-batch-executor';
import type { GraphApiVersion } from './graph-client-factory';
import { CHECK_MEMBER_GROUPS_CHUNK, USER_SELECT } from './graph-selects';
import { malformedBody, mapErrorResponse, mapThrownError, type GraphOperation } from './graph-error-mapper';
import { groupPath, odataString, userPath } from './graph-paths';
import type { GraphCallOwner } from './graph-call-owner';
import { ThrottleController, type ThrottleControllerOptions, type ThrottleStats } from './throttle-controller';
import { GraphSender, type ListItem, type SendMeter } from './graph-sender';

export interface GraphBulkDirectoryOptions extends Omit<GraphBatchExecutorOptions, 'client' | 'apiVersion' | 'controller'> {
  client: Client;
  /** Default 'v1.0'; every request (batches and their items) uses it. */
  apiVersion?: GraphApiVersion;
  /** Graph base URL: `@odata.nextLink`s must stay on its origin (without it: any https link). */
  baseUrl?: string;
  /** A shared controller, or the options of a new one. */
  controller?: ThrottleController | ThrottleControllerOptions;
  /** Pages of group members followed at most (999 per page). Default 200; more fails (GRAPH.UNKNOWN). */
  maxMemberPages?: number;
  logger?: Logger;
}

const USER_QUERY = `$select=${USER_SELECT.join(',')}`;
const MEMBER_SELECT = ['id', 'userPrincipalName'];

/**
 * BulkDirectory over Graph JSON batching (GraphBatchExecutor + ThrottleController). The same paths,
 * `$select`s and error mapping as GraphDirectory, item by item: 403 names the permission, 404 is a
 * `null` user for getUsers and GRAPH.NOT_FOUND elsewhere, an item still throttled after its retries is
 * GRAPH.THROTTLED. A request id comes from the item's own headers when Graph sends one, else from its
 * error envelope, else it is the request id of the $batch that carried it.
 */
export class GraphBulkDirectory implements BulkDirectory {
  readonly executor: GraphBatchExecutor;
  private readonly client: Client;
  private readonly version: GraphApiVersion;
  private readonly maxMemberPages: number;
  private readonly clock: Clock;
  /** Calls outside a batch (lists of members and groups): paced and counted by the throttle controller. */
  private readonly graph: GraphSender;

  /**
   * With an owner, every call (each $batch, each page outside a batch) is filed in that request's record
   * and logged with its logger; `executor` is shared with the directory it was made from (forRequest).
   */
  constructor(
    private readonly options: GraphBulkDirectoryOptions,
    private readonly owner: GraphCallOwner | null = null,
    executor?: GraphBatchExecutor,
  ) {
    this.client = options.client;
    this.version = options.apiVersion ?? 'v1.0';
    this.maxMemberPages = Math.max(1, options.maxMemberPages ?? 200);
    this.clock = options.clock ?? systemClock;
    const controller =
      options.controller instanceof ThrottleController
        ? options.controller
        : new ThrottleController({ now: () => this.clock.now().getTime(), ...options.controller });
    this.executor = executor ?? new GraphBatchExecutor({ ...options, apiVersion: this.version, controller, clock: this.clock });
    this.graph = new GraphSender(
      this.client,
      {
        version: this.version,
        baseUrl: options.baseUrl,
        maxListPages: this.maxMemberPages,
        logger: options.logger,
        meter: readMeter(this.executor.controller, this.clock),
      },
      owner,
    );
  }

  /** The same client, batch executor and throttle controller, for the calls made for one request. */
  forRequest(owner: GraphCallOwner): GraphBulkDirectory {
    return new GraphBulkDirectory(this.options, owner, this.executor);
  }

  async getUsers(upnsOrIds: string[]): Promise<Map<string, BulkResult<DirectoryUser | null>>> {
    return this.perKey(
      'getUser',
      upnsOrIds,
      (key) => [userSpec(key)],
      ([user]) => readUser(user),
    );
  }

  /**
   * Each user and its SOA flag as two items of the same round of batches, the flag addressed through the
   * same key (`/users/{upn}/onPremisesSyncBehavior`, like every navigation of a user). Should Graph
   * refuse that address for a user it found (400/404), the flag is read again by object id.
   */
  async getUsersWithSoa(upnsOrIds: string[]): Promise<Map<string, BulkResult<UserWithSoa>>> {
    const refused = new Map<string, DirectoryUser>();
    const results = await this.perKey<UserWithSoa>(
      'getUser',
      upnsOrIds,
      (key) => [userSpec(key), soaSpec(key)],
      ([userOutcome, soaOutcome], key) => {
        const user = readUser(userOutcome);
        if (!user.ok) return user;
        if (!user.value) return { ok: true, value: { user: null, isCloudManaged: null } };
        const soa = readSoa(soaOutcome);
        if (soa.ok) return { ok: true, value: { user: user.value, isCloudManaged: soa.value } };
        if (soa.error.code === 'GRAPH.NOT_FOUND' || soa.error.code === 'GRAPH.BAD_REQUEST') refused.set(key, user.value);
        return soa;
      },
    );
    if (refused.size > 0) {
      const again = await this.getCloudManaged([...refused.values()].map((u) => u.id));
      for (const [key, user] of refused) {
        const soa = again.get(user.id) as BulkResult<boolean>;
        results.set(key, soa.ok ? { ok: true, value: { user, isCloudManaged: soa.value } } : soa);
      }
    }
    return results;
  }

  async getCloudManaged(userIds: string[]): Promise<Map<string, BulkResult<boolean>>> {
    return this.perKey(
      'getCloudManaged',
      userIds,
      (id) => [soaSpec(id)],
      ([soa]) => readSoa(soa),
    );
  }

  async setCloudManaged(userIds: string[], isCloudManaged: boolean, options: WriteOptions = {}): Promise<Map<string, BulkResult<SoaWriteResult>>> {
    const op: GraphOperation = 'setCloudManaged';
    // 204 (newest docs) and 200 with the object (older docs) both mean success; the body is not needed.
    return this.perKey(
      op,
      userIds,
      (id) => [{ method: 'PATCH', url: `${userPath(id)}/onPremisesSyncBehavior`, body: { isCloudManaged } }],
      ([o]) => toResult(op, o, (r) => ({ requestId: r.requestId, status: r.status })),
      options,
    );
  }

  /** The same checkMemberGroups call as GraphDirectory.memberGroups, one per user and 20 groups, batched. */
  async memberGroupsOf(userIds: string[], groupIds: string[]): Promise<Map<string, BulkResult<string[]>>> {
    const op: GraphOperation = 'memberGroups';
    const unique = [...new Set(groupIds)];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += CHECK_MEMBER_GROUPS_CHUNK) chunks.push(unique.slice(i, i + CHECK_MEMBER_GROUPS_CHUNK));
    return this.perKey<string[]>(
      op,
      userIds,
      (id) => chunks.map((chunk) => ({ method: 'POST', url: `${userPath(id)}/checkMemberGroups`, body: { groupIds: chunk }, readOnly: true })),
      (outcomes) => {
        const found = new Set<string>();
        for (const outcome of outcomes) {
          const read = toResult(op, outcome, (r) => {
            const value = asObject(r.body)?.value;
            if (!Array.isArray(value)) throw malformedBody(op, r.status, r.requestId);
            return value.filter((g): g is string => typeof g === 'string');
          });
          if (!read.ok) return read;
          for (const g of read.value) found.add(g.toLowerCase());
        }
        return { ok: true, value: unique.filter((g) => found.has(g.toLowerCase())) };
      },
    );
  }

  /** The same two role questions as GraphDirectory.directoryRolesOf, both items of the same round of batches. */
  async directoryRolesOf(userIds: string[]): Promise<Map<string, BulkResult<HeldRole[]>>> {
    return this.perKey<HeldRole[]>(
      'listRoleAssignments',
      userIds,
      (id) => ROLE_QUESTIONS.map((q) => ({ method: 'GET', url: roleQueryUrl(q.collection, id) })),
      (outcomes) => {
        const held: HeldRole[] = [];
        for (const [i, q] of ROLE_QUESTIONS.entries()) {
          const read = toResult(q.op, outcomes[i], (r) => toHeldRoles(r.body, q.kind, { op: q.op, ...r }));
          if (!read.ok) return read;
          held.push(...read.value);
        }
        return { ok: true, value: held };
      },
    );
  }

  async groupMembers(groupId: string, options: { stopAfter?: number } = {}): Promise<{ id: string; userPrincipalName: string }[]> {
    const op: GraphOperation = 'listGroupMembers';
    const stopAfter = options.stopAfter ?? Number.POSITIVE_INFINITY;
    const first = this.client
      .api(`${groupPath(groupId)}/members/microsoft.graph.user`)
      .select(MEMBER_SELECT)
      .top(999);
    const members: { id: string; userPrincipalName: string }[] = [];
    const seen = new Set<string>();
    const take = (page: ListItem[]): boolean => {
      for (const { item, res } of page) {
        const id = str(item.id);
        const upn = str(item.userPrincipalName);
        if (!id || !upn) throw malformedBody(op, res.status, res.requestId);
        if (seen.has(id.toLowerCase())) continue;
        seen.add(id.toLowerCase());
        members.push({ id, userPrincipalName: upn });
      }
      return members.length >= stopAfter;
    };
    await this.graph.listAll(op, first, { enough: take });
    return members.slice(0, stopAfter);
  }

  /** Graph compares displayName case-insensitively: "Sales" also finds "sales" (callers refuse ambiguity). */
  async findGroupsByName(displayName: string): Promise<{ id: string; displayName: string }[]> {
    const op: GraphOperation = 'findGroupsByName';
    if (displayName.trim() === '') throw new DirectoryError('GRAPH.BAD_REQUEST', 'Empty group name', { status: null });
    const filter = `displayName eq '${odataString(displayName)}'`;
    const first = this.client.api('/groups').filter(encodeURIComponent(filter)).select(['id', 'displayName']);
    const groups: { id: string; displayName: string }[] = [];
    for (const { item, res } of await this.graph.listAll(op, first, { maxPages: 20 })) {
      const id = str(item.id);
      if (!id) throw malformedBody(op, res.status, res.requestId);
      groups.push({ id, displayName: str(item.displayName) ?? displayName });
    }
    return groups;
  }

  stats(): ThrottleStats {
    return this.executor.controller.stats();
  }

  /**
   * One bulk call: distinct keys, each sending its requests (a key that cannot form a path fails alone,
   * unsent) and settled from their outcomes. Results keyed by the input strings exactly as given, in
   * input order.
   */
  private async perKey<T>(
    op: GraphOperation,
    keys: string[],
    specsOf: (key: string) => BatchRequestSpec[],
    settle: (outcomes: BatchItemOutcome[], key: string) => BulkResult<T>,
    hooks: WriteOptions = {},
  ): Promise<Map<string, BulkResult<T>>> {
    const results = new Map<string, BulkResult<T> | null>();
    const sent: { key: string; from: number; count: number }[] = [];
    const specs: BatchRequestSpec[] = [];
    for (const key of keys) {
      if (results.has(key)) continue;
      results.set(key, null); // keeps input order
      try {
        const own = specsOf(key);
        sent.push({ key, from: specs.length, count: own.length });
        specs.push(...own);
      } catch (err) {
        results.set(key, { ok: false, error: err instanceof DirectoryError ? err : mapThrownError(op, err) });
      }
    }
    const keyAt: string[] = [];
    for (const { key, from, count } of sent) for (let i = from; i < from + count; i++) keyAt[i] = key;
    const keysAt = (indexes: number[]) => [...new Set(indexes.map((i) => keyAt[i]))];
    const { beforeSend, notApplied } = hooks;
    const outcomes = await this.executor.execute(specs, {
      owner: this.owner,
      ...(beforeSend ? { beforeSend: (indexes) => beforeSend(keysAt(indexes)), notApplied: notApplied && ((indexes) => notApplied(keysAt(indexes))) } : {}),
    });
    for (const { key, from, count } of sent) results.set(key, settle(outcomes.slice(from, from + count), key));
    return results as Map<string, BulkResult<T>>;
  }
}

/**
 * Calls outside a batch go through the same throttle controller as the batches: they wait while it
 * pauses sends, and count as one read each (429s, Retry-After, resource units, limit percentage).
 */
function readMeter(controller: ThrottleController, clock: Clock): SendMeter {
  return {
    async begin() {
      for (let wait = controller.pausedUntil - clock.now().getTime(); wait > 0; wait = controller.pausedUntil - clock.now().getTime()) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      return controller.onSend('read', 1);
    },
    end(ticket, response) {
      if (!response) {
        controller.onResult({ lane: 'read', ticket, items: 1, throttled: 0, retryAfterMs: null, limitPercentage: null, resourceUnits: 0, serverErrors: 1 });
        return;
      }
      const pct = response.headers.get('x-ms-throttle-limit-percentage');
      controller.onResult({
        lane: 'read',
        ticket,
        items: 1,
        throttled: response.status === 429 ? 1 : 0,
        retryAfterMs: response.status === 429 ? parseRetryAfter(response.headers.get('retry-after'), clock.now().getTime()) : null,
        limitPercentage: pct !== null && Number.isFinite(Number(pct)) ? Number(pct) : null,
        resourceUnits: Number(response.headers.get('x-ms-resource-unit')) || 0,
        serverErrors: response.status >= 500 ? 1 : 0,
      });
    },
  };
}

const userSpec = (key: string): BatchRequestSpec => ({ method: 'GET', url: `${userPath(key)}?${USER_QUERY}` });
const soaSpec = (key: string): BatchRequestSpec => ({ method: 'GET', url: `${userPath(key)}/onPremisesSyncBehavior?$select=isCloudManaged` });
/** A user read: `null` when Graph answers 404. */
const readUser = (o: BatchItemOutcome): BulkResult<DirectoryUser | null> =>
  toResult('getUser', o, (r) => (r.status === 404 ? null : toDirectoryUser(r.body, { op: 'getUser', ...r })), [404]);
const readSoa = (o: BatchItemOutcome): BulkResult<boolean> => toResult('getCloudManaged', o, (r) => toIsCloudManaged(r.body, { op: 'getCloudManaged', ...r }));

/** Maps one item's final outcome the way GraphDirectory maps a single call's. */
function toResult<T>(
  op: GraphOperation,
  outcome: BatchItemOutcome,
  onSuccess: (o: { status: number; body: unknown; requestId: string | null }) => T,
  allow: number[] = [],
): BulkResult<T> {
  if (outcome.kind === 'error') return { ok: false, error: mapThrownError(op, outcome.error) };
  const ok = outcome.status >= 200 && outcome.status < 300;
  if (!ok && !allow.includes(outcome.status)) {
    const text = typeof outcome.body === 'string' ? outcome.body : JSON.stringify(outcome.body ?? null);
    return { ok: false, error: mapErrorResponse(op, outcome.status, text, outcome.requestId) };
  }
  try {
    return { ok: true, value: onSuccess(outcome) };
  } catch (err) {
    return { ok: false, error: err instanceof DirectoryError ? err : malformedBody(op, outcome.status, outcome.requestId) };
  }
}
