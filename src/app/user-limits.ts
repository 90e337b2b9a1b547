import { AppDeps } from './app-deps';

/**
 * How many users one person may name at once (a request, a file, a `status`): MAX_USERS_PER_REQUEST
 * for everyone; admins may go up to ADMIN_MAX_USERS_PER_REQUEST (a migration wave).
 */
export async function maxUsersFor(deps: Pick<AppDeps, 'authorization' | 'settings'>, actorId: string): Promise<number> {
  return (await deps.authorization.isAdmin(actorId)) ? deps.settings.adminMaxUsersPerRequest : deps.settings.maxUsersPerRequest;
}

/** `{count, max}` when `count` users are more than this person may name at once; null when they fit. */
export async function userCountOverLimit(
  deps: Pick<AppDeps, 'authorization' | 'settings'>,
  actorId: string,
  count: number,
): Promise<{ count: number; max: number } | null> {
  // Up to MAX_USERS_PER_REQUEST nobody needs the admin check (a Graph call when ADMIN_GROUP_ID is set).
  if (count <= deps.settings.maxUsersPerRequest) return null;
  const max = await maxUsersFor(deps, actorId);
  return count > max ? { count, max } : null;
}
