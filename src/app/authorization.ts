import { Directory } from '../ports/directory';
import { Clock } from '../ports/clock';

export interface RoleSettings {
  requesterGroupId: string | null;
  requesterIds: string[];
  approverGroupId: string | null;
  approverIds: string[];
}

const CACHE_MS = 60_000;

/**
 * Roles come from configured object ids or transitive membership of an Entra group, always keyed by
 * the Entra object id of the person (from.aadObjectId), never by names or card data. Group answers are
 * cached briefly so a card refresh does not cost a Graph call per viewer.
 */
export class Authorization {
  private readonly cache = new Map<string, { at: number; groups: Set<string> }>();

  constructor(
    private readonly settings: RoleSettings,
    private readonly directory: Directory,
    private readonly clock: Clock,
  ) {}

  isRequester(aadObjectId: string | undefined | null): Promise<boolean> {
    return this.hasRole(aadObjectId, this.settings.requesterIds, this.settings.requesterGroupId);
  }

  /** Approvers named by id in the configuration (group members are only known when they act). */
  configuredApproverIds(): string[] {
    return [...this.settings.approverIds];
  }

  isApprover(aadObjectId: string | undefined | null): Promise<boolean> {
    return this.hasRole(aadObjectId, this.settings.approverIds, this.settings.approverGroupId);
  }

  private async hasRole(aadObjectId: string | undefined | null, ids: string[], groupId: string | null): Promise<boolean> {
    if (!aadObjectId) return false;
    const id = aadObjectId.toLowerCase();
    if (ids.includes(id)) return true;
    if (!groupId) return false;
    const groups = await this.memberGroups(id);
    return groups.has(groupId);
  }

  private async memberGroups(userId: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(userId);
    if (cached && now - cached.at < CACHE_MS) return cached.groups;
    const wanted = [this.settings.requesterGroupId, this.settings.approverGroupId].filter((g): g is string => Boolean(g));
    const found = await this.directory.memberGroups(userId, [...new Set(wanted)]);
    const groups = new Set(found.map((g) => g.toLowerCase()));
    this.cache.set(userId, { at: now, groups });
    return groups;
  }
}
