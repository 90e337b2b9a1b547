import { DirectoryError } from '../../ports/directory';
import { AppDeps } from '../app-deps';
import { describeError } from '../wording';

/** Graph's count is eventually consistent and the chart shows a trend: an hour-old number is fine. */
export const SYNCED_COUNT_MAX_AGE_MS = 60 * 60_000;

export interface SyncedUsers {
  users: number | null;
  checkedAt: string | null;
  error?: string;
}

/**
 * How many users AD DS still manages, from Graph (`Directory.countSyncedUsers`), cached for at most
 * SYNCED_COUNT_MAX_AGE_MS by the clock port. One refresh at a time: callers arriving while one is in
 * flight wait for it instead of sending their own. A failed refresh is not cached (the next call tries
 * again) and is reported as an error with no number, never as an old number passed off as current.
 */
export function createSyncedUsersCache(deps: Pick<AppDeps, 'directory' | 'clock' | 'logger'>) {
  let cached: { users: number; checkedAt: Date } | null = null;
  let inFlight: Promise<SyncedUsers> | null = null;

  const refresh = async (): Promise<SyncedUsers> => {
    try {
      const users = await deps.directory.countSyncedUsers();
      cached = { users, checkedAt: deps.clock.now() };
      return { users, checkedAt: cached.checkedAt.toISOString() };
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      deps.logger.warn({ code: error.code, graphRequestId: error.details.requestId ?? null }, 'could not count the synchronized users');
      return { users: null, checkedAt: null, error: describeError({ code: error.code, detail: { permission: error.details.permission ?? null } }) };
    }
  };

  return {
    async get(): Promise<SyncedUsers> {
      if (cached && deps.clock.now().getTime() - cached.checkedAt.getTime() < SYNCED_COUNT_MAX_AGE_MS) {
        return { users: cached.users, checkedAt: cached.checkedAt.toISOString() };
      }
      inFlight ??= refresh().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}

export type SyncedUsersCache = ReturnType<typeof createSyncedUsersCache>;
