import { HeldRole } from '../../src/domain/preflight';
import { DirectoryUser } from '../../src/domain/soa-state';
import { BulkDirectory, BulkResult, UserWithSoa, WriteOptions } from '../../src/ports/bulk-directory';
import { AuditRecord, Directory, DirectoryError, SoaWriteResult } from '../../src/ports/directory';
import { Clock } from '../../src/ports/clock';
import { aSyncedUser } from './builders';

/** The directory questions the fakes answer; failures are set per question and user. */
/** `retry-wait`: the batching directory waiting out a Retry-After before sending throttled PATCHes again. */
export type TenantOp = 'getUser' | 'getCloudManaged' | 'patch' | 'memberGroups' | 'audit' | 'retry-wait';

/**
 * What one call does instead of answering normally:
 * - `error`: Graph answers this error; nothing changes.
 * - `answer-lost`: the PATCH lands, then the answer is lost (a timeout or 503 after the change).
 * - `throttled`: Graph answers 429 (not applied); the batching directory waits (`retry-wait`) and sends again.
 * - `hang`: the call waits until the test settles it through `tenant.held` (see HeldCall).
 */
export type CallFailure = { kind: 'error'; code: DirectoryError['code']; status?: number } | { kind: 'answer-lost' } | { kind: 'throttled' } | { kind: 'hang' };

/** A call the tenant is holding (a `hang` failure): the test decides how it ends. */
export interface HeldCall {
  op: TenantOp;
  userId: string;
  /** The change (for a PATCH) is applied and the caller gets its answer. */
  land(): void;
  /** The change is applied but the caller never hears back: its process died with the call in flight. */
  landUnheard(): void;
  /** Nothing is applied, nobody hears back and the call is not counted: the process died before it reached Graph. */
  vanish(): void;
}

interface TenantUser {
  user: DirectoryUser;
  isCloudManaged: boolean;
  /** Groups the user is a direct member of. */
  groups: Set<string>;
}

export interface TenantCall {
  op: TenantOp;
  userId: string;
  at: string;
  /** For a PATCH: the value sent. */
  value?: boolean;
  /** Set when Graph refused the call (nothing changed): its HTTP status. */
  refused?: number;
}

const TRANSFER_ACTIVITY = 'Change Source of Authority from AD DS to cloud';
const ROLLBACK_ACTIVITY = 'Undo changes to Source of Authority from AD DS to cloud';

/**
 * A small in-memory Entra tenant: users with their SOA flag, nested group membership and directory
 * audit records. Both directory ports (single calls and batches) read and write the same state, and
 * every call is recorded so a test can count the PATCHes a user received.
 */
export class FakeTenant {
  private readonly users = new Map<string, TenantUser>();
  /** Group id -> the groups it is a direct member of (nesting). */
  private readonly parents = new Map<string, Set<string>>();
  private readonly failures: { op: TenantOp; userId: string; failure: CallFailure; times: number; skip: number }[] = [];
  private readonly audit: (AuditRecord & { objectId: string; visibleFrom: number })[] = [];
  /** Directory roles held per user id (a rollback blocker). */
  private readonly roles = new Map<string, HeldRole[]>();
  private readonly heldWaiters: ((call: HeldCall) => void)[] = [];
  readonly calls: TenantCall[] = [];
  /** Calls on hold right now, oldest first. */
  readonly held: HeldCall[] = [];
  /** How long after a change its audit record becomes searchable (Entra takes minutes). */
  auditDelayMs = 0;
  private auditSeq = 0;
  private graphSeq = 0;

  readonly directory: Directory;
  readonly bulk: BulkDirectory;

  constructor(private readonly clock: Clock) {
    this.directory = this.makeDirectory();
    this.bulk = this.makeBulk();
  }

  /** A user synced from AD DS (override anything; `cloudManaged` true for one already transferred). */
  addUser(id: string, upn: string, options: { cloudManaged?: boolean; groups?: string[]; user?: Partial<DirectoryUser> } = {}): DirectoryUser {
    const user = aSyncedUser({ id, userPrincipalName: upn, displayName: upn.split('@')[0], onPremisesImmutableId: `imm-${id}=`, ...options.user });
    this.users.set(id.toLowerCase(), {
      user,
      isCloudManaged: options.cloudManaged ?? false,
      groups: new Set((options.groups ?? []).map((g) => g.toLowerCase())),
    });
    return user;
  }

  /** Makes `groupId` a member of `parentIds` (membership is read transitively, like checkMemberGroups). */
  nestGroup(groupId: string, parentIds: string[]): void {
    this.parents.set(groupId.toLowerCase(), new Set(parentIds.map((g) => g.toLowerCase())));
  }

  addToGroup(userId: string, groupId: string): void {
    this.entry(userId)!.groups.add(groupId.toLowerCase());
  }

  /**
   * The next `times` calls of `op` for the user ('*' for any user) fail as described, after `skip` calls
   * answered normally (e.g. skip the re-read's flag read to fail the read-back after the PATCH).
   */
  failNext(op: TenantOp, userId: string, failure: CallFailure, options: { times?: number; skip?: number } = {}): void {
    this.failures.push({ op, userId: userId.toLowerCase(), failure, times: options.times ?? 1, skip: options.skip ?? 0 });
  }

  /** The user changes in the directory after approval (e.g. sync turned off, anchor cleared). */
  /** The directory roles the user holds (active or eligible): rollbacks must refuse them. */
  setRoles(userId: string, roles: HeldRole[]): void {
    this.roles.set(userId, roles);
  }

  updateUser(userId: string, changes: Partial<DirectoryUser>): void {
    const u = this.entry(userId)!;
    u.user = { ...u.user, ...changes };
  }

  /** Someone changes the flag in Entra directly (not through the bot): no PATCH is counted. */
  setCloudManaged(userId: string, value: boolean): void {
    this.entry(userId)!.isCloudManaged = value;
  }

  isCloudManaged(userId: string): boolean {
    return this.entry(userId)!.isCloudManaged;
  }

  /** PATCH calls that changed (or set again) the user's flag: the ones Graph did not refuse. */
  appliedPatches(userId?: string): TenantCall[] {
    return this.patches(userId).filter((c) => c.refused === undefined);
  }

  /** PATCH calls that reached the tenant (applied or not), for one user or all. */
  patches(userId?: string): TenantCall[] {
    return this.calls.filter((c) => c.op === 'patch' && (!userId || c.userId.toLowerCase() === userId.toLowerCase()));
  }

  /** Resolves with the next call put on hold (or the oldest one already held and not yet taken). */
  nextHeld(): Promise<HeldCall> {
    const waiting = this.held.find((h) => !(h as { taken?: boolean }).taken);
    if (waiting) {
      (waiting as { taken?: boolean }).taken = true;
      return Promise.resolve(waiting);
    }
    return new Promise((resolve) => this.heldWaiters.push(resolve));
  }

  private entry(upnOrId: string): TenantUser | undefined {
    const key = upnOrId.toLowerCase();
    return this.users.get(key) ?? [...this.users.values()].find((u) => u.user.userPrincipalName.toLowerCase() === key);
  }

  private takeFailure(op: TenantOp, userId: string): CallFailure | null {
    const key = userId.toLowerCase();
    const i = this.failures.findIndex((f) => f.op === op && (f.userId === key || f.userId === '*'));
    if (i < 0) return null;
    const f = this.failures[i];
    if (f.skip > 0) {
      f.skip--;
      return null;
    }
    if (--f.times <= 0) this.failures.splice(i, 1);
    return f.failure;
  }

  /** One directory call: recorded, then answered, failed or held as the test arranged. */
  private call<T>(op: TenantOp, userId: string, answer: () => T, effect: () => void = () => undefined, value?: boolean): Promise<T> {
    const record: TenantCall = { op, userId, at: this.clock.now().toISOString(), ...(value === undefined ? {} : { value }) };
    this.calls.push(record);
    const failure = this.takeFailure(op, userId);
    if (!failure) {
      effect();
      return Promise.resolve().then(answer);
    }
    if (failure.kind === 'throttled') {
      record.refused = 429;
      return Promise.reject(new DirectoryError('GRAPH.THROTTLED', 'too many requests', { status: 429, requestId: this.nextGraphId() }));
    }
    if (failure.kind === 'error') {
      record.refused = failure.status ?? 400;
      return Promise.reject(new DirectoryError(failure.code, `fake ${op} failure`, { status: failure.status ?? null, requestId: this.nextGraphId() }));
    }
    if (failure.kind === 'answer-lost') {
      effect();
      return Promise.reject(new DirectoryError('GRAPH.UNAVAILABLE', 'the answer was lost', { status: 504 }));
    }
    return new Promise<T>((resolve) => {
      let ended = false;
      const end = (apply: boolean, answerIt: boolean) => {
        if (ended) throw new Error('held call already ended');
        ended = true;
        this.held.splice(this.held.indexOf(call), 1);
        if (apply) effect();
        // It never reached Graph: not a call the tenant saw.
        else this.calls.splice(this.calls.indexOf(record), 1);
        if (answerIt) resolve(answer());
      };
      const call: HeldCall = { op, userId, land: () => end(true, true), landUnheard: () => end(true, false), vanish: () => end(false, false) };
      this.held.push(call);
      const waiter = this.heldWaiters.shift();
      if (waiter) {
        (call as { taken?: boolean }).taken = true;
        waiter(call);
      }
    });
  }

  private nextGraphId(): string {
    return `graph-${++this.graphSeq}`;
  }

  private getUser(upnOrId: string): Promise<DirectoryUser | null> {
    return this.call('getUser', upnOrId, () => {
      const u = this.entry(upnOrId);
      return u ? { ...u.user } : null;
    });
  }

  private getCloudManaged(userId: string): Promise<boolean> {
    return this.call('getCloudManaged', userId, () => {
      const u = this.entry(userId);
      if (!u) throw new DirectoryError('GRAPH.NOT_FOUND', 'no such user', { status: 404 });
      return u.isCloudManaged;
    });
  }

  private patch(userId: string, value: boolean): Promise<SoaWriteResult> {
    const requestId = this.nextGraphId();
    return this.call(
      'patch',
      userId,
      () => ({ requestId, status: 204 }),
      () => {
        const u = this.entry(userId);
        if (!u) return;
        u.isCloudManaged = value;
        const at = this.clock.now();
        this.audit.push({
          id: `audit-${++this.auditSeq}`,
          objectId: u.user.id,
          activityDisplayName: value ? TRANSFER_ACTIVITY : ROLLBACK_ACTIVITY,
          activityDateTime: at.toISOString(),
          correlationId: requestId,
          result: 'success',
          visibleFrom: at.getTime() + this.auditDelayMs,
        });
      },
      value,
    );
  }

  private memberGroups(userId: string, groupIds: string[]): Promise<string[]> {
    return this.call('memberGroups', userId, () => {
      const u = this.entry(userId);
      if (!u) throw new DirectoryError('GRAPH.NOT_FOUND', 'no such user', { status: 404 });
      const all = new Set<string>();
      const visit = (g: string) => {
        if (all.has(g)) return;
        all.add(g);
        for (const p of this.parents.get(g) ?? []) visit(p);
      };
      for (const g of u.groups) visit(g);
      return groupIds.filter((g) => all.has(g.toLowerCase()));
    });
  }

  private findAudit(query: { objectId: string; activityPrefix: string; since: string }): Promise<AuditRecord[]> {
    return this.call('audit', query.objectId, () =>
      this.audit
        .filter(
          (r) =>
            r.objectId === query.objectId &&
            r.activityDisplayName.startsWith(query.activityPrefix) &&
            r.activityDateTime >= query.since &&
            r.visibleFrom <= this.clock.now().getTime(),
        )
        .map(({ objectId: _o, visibleFrom: _v, ...record }) => ({ ...record })),
    );
  }

  private makeDirectory(): Directory {
    return {
      getUser: (upnOrId) => this.getUser(upnOrId),
      getCloudManaged: (userId) => this.getCloudManaged(userId),
      setCloudManaged: (userId, value) => this.patch(userId, value),
      getDomainAuthenticationType: async () => 'Managed',
      memberGroups: (userId, groupIds) => this.memberGroups(userId, groupIds),
      findAuditRecords: (query) => this.findAudit(query),
      cloudManagedGroupsOf: async () => [],
      accessPackagesUsingGroup: async () => [],
      directoryRolesOf: async (userId) => [...(this.roles.get(userId) ?? [])],
      // Group SOA is covered by the emulator-backed tests (test/integration/bot/groups.test.ts); this tenant holds users only.
      getGroup: async () => null,
      nestedGroups: async () => [],
      cloudOnlyMembers: async () => [],
      syncedGroupsOf: async () => [],
      countSyncedUsers: async () => [...this.users.values()].filter((u) => u.user.onPremisesSyncEnabled === true).length,
    };
  }

  /** Graph JSON batching as the port promises it: 20 per batch, each batch's intent awaited before it leaves. */
  private makeBulk(): BulkDirectory {
    let requests = 0;
    const each = async <T>(keys: string[], one: (key: string) => Promise<T>): Promise<Map<string, BulkResult<T>>> => {
      const out = new Map<string, BulkResult<T>>();
      await Promise.all(
        keys.map(async (key) => {
          requests++;
          try {
            out.set(key, { ok: true, value: await one(key) });
          } catch (error) {
            out.set(key, { ok: false, error: error instanceof DirectoryError ? error : new DirectoryError('GRAPH.UNKNOWN', 'unexpected error') });
          }
        }),
      );
      return out;
    };
    const setCloudManaged = async (ids: string[], value: boolean, options: WriteOptions = {}) => {
      const out = new Map<string, BulkResult<SoaWriteResult>>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const batch = ids.slice(i, i + BATCH);
        try {
          await options.beforeSend?.(batch);
        } catch (error) {
          const refused = error instanceof DirectoryError ? error : Object.assign(new DirectoryError('GRAPH.UNKNOWN', 'not sent'), { cause: error });
          for (const id of batch) out.set(id, { ok: false, error: refused });
          continue;
        }
        // Answered 429: not applied; said so, the Retry-After waited out, then sent again with a new intent.
        let sending = batch;
        for (let attempt = 0; sending.length > 0; attempt++) {
          const results = await each(sending, (id) => this.patch(id, value));
          for (const [id, r] of results) out.set(id, r);
          const throttled = sending.filter((id) => {
            const r = results.get(id)!;
            return !r.ok && r.error.code === 'GRAPH.THROTTLED';
          });
          if (throttled.length === 0 || attempt >= RETRIES) break;
          options.notApplied?.(throttled);
          await this.call('retry-wait', throttled[0], () => undefined);
          try {
            await options.beforeSend?.(throttled);
          } catch (error) {
            const refused = error instanceof DirectoryError ? error : Object.assign(new DirectoryError('GRAPH.UNKNOWN', 'not sent'), { cause: error });
            for (const id of throttled) out.set(id, { ok: false, error: refused });
            break;
          }
          sending = throttled;
        }
      }
      return out;
    };
    return {
      getUsers: (keys) => each(keys, (k) => this.getUser(k)),
      getUsersWithSoa: (keys) =>
        each<UserWithSoa>(keys, async (k) => {
          const user = await this.getUser(k);
          return { user, isCloudManaged: user ? await this.getCloudManaged(user.id) : null };
        }),
      getCloudManaged: (ids) => each(ids, (id) => this.getCloudManaged(id)),
      setCloudManaged,
      memberGroupsOf: (ids, groupIds) => each(ids, (id) => this.memberGroups(id, groupIds)),
      groupMembers: async (groupId, options = {}) => {
        const members = [...this.users.values()]
          .filter((u) => u.groups.has(groupId.toLowerCase()))
          .map((u) => ({ id: u.user.id, userPrincipalName: u.user.userPrincipalName }));
        return options.stopAfter === undefined ? members : members.slice(0, options.stopAfter);
      },
      directoryRolesOf: (ids) => each(ids, async (id) => [...(this.roles.get(id) ?? [])]),
      findGroupsByName: async () => [],
      stats: () => ({ requests, throttled: 0, concurrency: BATCH }),
    };
  }
}

const BATCH = 20;
const RETRIES = 3;
