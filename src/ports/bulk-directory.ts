import { HeldRole } from '../domain/preflight';
import { DirectoryUser } from '../domain/soa-state';
import { DirectoryError, SoaWriteResult } from './directory';

/** One item's answer in a bulk call: its value, or the error Graph gave for that item alone. */
export type BulkResult<T> = { ok: true; value: T } | { ok: false; error: DirectoryError };

export interface WriteOptions {
  /**
   * Awaited just before PATCHes leave (each batch, each retry), with the user ids about to be sent: the
   * caller stores its intent there, so a user still queued when the process dies was never sent. If it
   * throws, those users are not sent and come back with that error.
   */
  beforeSend?: (userIds: string[]) => Promise<void>;
  /** Some PATCHes were answered 429 (not applied) and wait for a retry: they are not in flight meanwhile. */
  notApplied?: (userIds: string[]) => void;
}

export interface UserWithSoa {
  user: DirectoryUser | null;
  isCloudManaged: boolean | null;
}

/**
 * Many users at once, for waves of hundreds or thousands (Graph JSON batching, 20 requests per
 * batch, several batches in flight, concurrency adapted to throttling). Results are keyed by the
 * input string exactly as given. An item that is still throttled after its retries comes back as a
 * GRAPH.THROTTLED error; the others are not held back by it.
 */
export interface BulkDirectory {
  /** Users by UPN or id; `null` value when the user does not exist. */
  getUsers(upnsOrIds: string[]): Promise<Map<string, BulkResult<DirectoryUser | null>>>;
  /**
   * Users by UPN or id together with their SOA flag, both read at once (no round trip in between):
   * `user: null` (and `isCloudManaged: null`) when the user does not exist.
   */
  getUsersWithSoa(upnsOrIds: string[]): Promise<Map<string, BulkResult<UserWithSoa>>>;
  /** onPremisesSyncBehavior.isCloudManaged for user ids. */
  getCloudManaged(userIds: string[]): Promise<Map<string, BulkResult<boolean>>>;
  /** PATCH onPremisesSyncBehavior for user ids (200 and 204 both mean success). */
  setCloudManaged(userIds: string[], isCloudManaged: boolean, options?: WriteOptions): Promise<Map<string, BulkResult<SoaWriteResult>>>;
  /**
   * Transitive membership (Graph checkMemberGroups, nested groups followed): for each user id, which
   * of groupIds it belongs to. The scope guard's one question, for one user or ten thousand.
   */
  memberGroupsOf(userIds: string[], groupIds: string[]): Promise<Map<string, BulkResult<string[]>>>;
  /** Directory.directoryRolesOf for many user ids (two requests per user, batched). */
  directoryRolesOf(userIds: string[]): Promise<Map<string, BulkResult<HeldRole[]>>>;
  /**
   * Direct members of a group that are users (id, UPN), following paging. With `stopAfter`, no further
   * page is read once that many members are known, and at most that many are returned: a caller that
   * may take n users asks for n + 1 and learns "too many" without reading a huge group to its end.
   */
  groupMembers(groupId: string, options?: { stopAfter?: number }): Promise<{ id: string; userPrincipalName: string }[]>;
  /** Groups whose displayName equals the name exactly (to refuse ambiguous names). */
  findGroupsByName(displayName: string): Promise<{ id: string; displayName: string }[]>;
  /** Live view of the throttling controller, for progress messages and the benchmark. */
  stats(): { requests: number; throttled: number; concurrency: number };
}
