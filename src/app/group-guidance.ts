import { GroupGuidance } from '../domain/soa-request';
import { AppDeps } from './app-deps';
import { errorSummary } from './error-summary';

/**
 * How many users' memberships a user transfer reads for the order guidance: one memberOf call each, so
 * a migration wave of thousands is sampled, not read in full (the card says how many were checked).
 */
export const GUIDANCE_MAX_USERS = 50;
const IN_FLIGHT = 4;

/**
 * Microsoft recommends switching groups before their members (docs/soa-and-graph.md §5, §6a). For a
 * user transfer: the users' direct groups that are still synced from AD DS (not cloud-managed), for a
 * warning and a "Request transfer of these groups" button. Never a blocker: a failed lookup is logged
 * and leaves the request without guidance.
 */
export async function groupGuidanceFor(deps: AppDeps, userIds: string[]): Promise<GroupGuidance | null> {
  const checked = userIds.slice(0, GUIDANCE_MAX_USERS);
  const groups = new Map<string, { id: string; displayName: string }>();
  let next = 0;
  const worker = async () => {
    while (next < checked.length) {
      const id = checked[next++];
      for (const g of await deps.directory.syncedGroupsOf(id)) groups.set(g.id.toLowerCase(), g);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, checked.length) }, worker));
  } catch (error) {
    deps.logger.warn({ err: errorSummary(error) }, "could not read the users' groups for the order guidance");
    return null;
  }
  if (groups.size === 0) return null;
  return { groups: [...groups.values()].sort((a, b) => a.displayName.localeCompare(b.displayName)), checkedUsers: checked.length, totalUsers: userIds.length };
}
