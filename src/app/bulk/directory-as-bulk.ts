import { HeldRole } from '../../domain/preflight';
import { DirectoryUser } from '../../domain/soa-state';
import { BulkDirectory, BulkResult, UserWithSoa } from '../../ports/bulk-directory';
import { Directory, DirectoryError, SoaWriteResult } from '../../ports/directory';
import { AppDeps } from '../app-deps';
import { TargetType } from '../../domain/soa-request';
import { groupAsTarget } from '../../domain/group-preflight';

const PARALLEL = 4;

/** The wired batching directory, or the single-call one used a few calls at a time. */
export function bulkDirectoryOf(deps: Pick<AppDeps, 'bulk' | 'directory'>): BulkDirectory {
  return deps.bulk ?? directoryAsBulk(deps.directory);
}

/**
 * The directory one request's checks and writes go through: Graph batching for many users, single
 * calls for a few (same questions, same answers; only the transport differs).
 */
export function directoryFor(deps: Pick<AppDeps, 'bulk' | 'directory'>, batched: boolean, type: TargetType = 'user'): BulkDirectory {
  // Groups always go through single calls: a group tree is a handful of objects, not a migration wave.
  if (type === 'group') return directoryAsBulk(deps.directory, 'group');
  return batched ? bulkDirectoryOf(deps) : directoryAsBulk(deps.directory);
}

/**
 * BulkDirectory on top of the single-call Directory, a few calls at a time. Used when no batching
 * implementation is wired (tests with a plain Directory); the Graph adapter provides the real one.
 */
export function directoryAsBulk(directory: Directory, type: TargetType = 'user'): BulkDirectory {
  let requests = 0;
  const each = async <T>(keys: string[], call: (key: string) => Promise<T>): Promise<Map<string, BulkResult<T>>> => {
    const out = new Map<string, BulkResult<T>>();
    for (let i = 0; i < keys.length; i += PARALLEL) {
      await Promise.all(
        keys.slice(i, i + PARALLEL).map(async (key) => {
          requests++;
          try {
            out.set(key, { ok: true, value: await call(key) });
          } catch (error) {
            out.set(key, { ok: false, error: error instanceof DirectoryError ? error : new DirectoryError('GRAPH.UNKNOWN', 'unexpected error') });
          }
        }),
      );
    }
    return out;
  };
  return {
    getUsers: (keys) => each<DirectoryUser | null>(keys, (k) => directory.getUser(k)),
    getUsersWithSoa: (keys) =>
      each<UserWithSoa>(keys, async (k) => {
        // A group target is read as the user-shaped object the one policy reads (groupAsTarget).
        const group = type === 'group' ? await directory.getGroup(k) : null;
        const user = type === 'group' ? (group ? groupAsTarget(group) : null) : await directory.getUser(k);
        return { user, isCloudManaged: user ? await directory.getCloudManaged(user.id, type) : null };
      }),
    getCloudManaged: (ids) => each<boolean>(ids, (id) => directory.getCloudManaged(id, type)),
    setCloudManaged: async (ids, value, options = {}) => {
      const out = new Map<string, BulkResult<SoaWriteResult>>();
      // The intent of a few users at a time, just before their calls leave.
      for (let i = 0; i < ids.length; i += PARALLEL) {
        const group = ids.slice(i, i + PARALLEL);
        let refused: unknown = null;
        await options.beforeSend?.(group).catch((error: unknown) => {
          refused = error;
        });
        if (refused !== null) {
          const error = refused instanceof DirectoryError ? refused : Object.assign(new DirectoryError('GRAPH.UNKNOWN', 'not sent'), { cause: refused });
          for (const id of group) out.set(id, { ok: false, error });
          continue;
        }
        for (const [id, result] of await each<SoaWriteResult>(group, (id) => directory.setCloudManaged(id, value, type))) out.set(id, result);
      }
      return out;
    },
    directoryRolesOf: (ids) => each<HeldRole[]>(ids, (id) => directory.directoryRolesOf(id)),
    memberGroupsOf: (ids, groupIds) =>
      each<string[]>(ids, async (id) => {
        const found = await directory.memberGroups(id, groupIds, type);
        // A guarded group covers itself as well as the groups nested in it.
        const self = type === 'group' ? groupIds.filter((g) => g.toLowerCase() === id.toLowerCase()) : [];
        return [...new Set([...found, ...self])];
      }),
    groupMembers: async () => {
      throw new DirectoryError('GRAPH.UNKNOWN', 'group listing needs the Graph bulk directory');
    },
    findGroupsByName: async () => {
      throw new DirectoryError('GRAPH.UNKNOWN', 'group search needs the Graph bulk directory');
    },
    stats: () => ({ requests, throttled: 0, concurrency: PARALLEL }),
  };
}
