import { AppDeps } from '../app-deps';
import { hasAnyTabRole, NO_ROLE, TabViewer } from './tab-viewer';
import { Reply, done } from '../reply';
import { SyncedUsers, SyncedUsersCache } from './synced-users';

/** Weeks the chart shows, the current one included. */
export const PROGRESS_WEEKS = 12;
const DAY_MS = 86_400_000;

export interface ProgressWeek {
  /** Monday of the week, UTC (YYYY-MM-DD). */
  weekStart: string;
  usersTransferred: number;
  usersRolledBack: number;
  groupsTransferred: number;
  groupsRolledBack: number;
}

/**
 * GET /api/tab/progress: users the bot changed per week (targets whose outcome is 'done', by the day
 * they finished; 'already-done' users were not changed by the bot and do not count), and how many users
 * AD DS still manages; groups are counted apart from users. Anyone with a role may see it: it
 * names nobody.
 */
export async function progress(
  deps: AppDeps,
  viewer: TabViewer,
  synced: SyncedUsersCache,
): Promise<Reply<{ weeks: ProgressWeek[]; stillSynced: SyncedUsers }>> {
  if (!hasAnyTabRole(viewer)) return NO_ROLE;
  const first = mondayOf(deps.clock.now()) - (PROGRESS_WEEKS - 1) * 7 * DAY_MS;
  const weeks: ProgressWeek[] = Array.from({ length: PROGRESS_WEEKS }, (_, i) => ({
    weekStart: new Date(first + i * 7 * DAY_MS).toISOString().slice(0, 10),
    usersTransferred: 0,
    usersRolledBack: 0,
    groupsTransferred: 0,
    groupsRolledBack: 0,
  }));
  const [days, stillSynced] = await Promise.all([deps.requests.executedByDay(new Date(first).toISOString()), synced.get()]);
  for (const { day, kind, targetType, count } of days) {
    const index = Math.floor((Date.parse(`${day}T00:00:00.000Z`) - first) / (7 * DAY_MS));
    const week = weeks[index];
    if (!week) continue; // a finish time after now (clock skew between instances)
    if (targetType === 'group') {
      if (kind === 'transfer') week.groupsTransferred += count;
      else week.groupsRolledBack += count;
    } else if (kind === 'transfer') week.usersTransferred += count;
    else week.usersRolledBack += count;
  }
  return done({ weeks, stillSynced });
}

/** Midnight UTC of the Monday of `date`'s week, in ms. */
function mondayOf(date: Date): number {
  const midnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return midnight - ((date.getUTCDay() + 6) % 7) * DAY_MS;
}
