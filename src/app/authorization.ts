import { Directory } from '../ports/directory';
import { Clock } from '../ports/clock';

export interface RoleSettings {
  requesterGroupId: string | null;
  requesterIds: string[];
  approverGroupId: string | null;
  approverIds: string[];
  rollbackApproverGroupId: string | null;
  rollbackApproverIds: string[];
  adminGroupId: string | null;
  adminIds: string[];
  /** Approval-stage and escalation groups (APPROVAL_STAGES, ESCALATION_APPROVER_GROUP_ID), asked in the same membership call. */
  extraGroupIds?: string[];
}

export type Role = 'requester' | 'approver' | 'rollback-approver' | 'admin';

const CACHE_MS = 60_000;

/**
 * Roles come from configured object ids or transitive membership of an Entra group, always keyed by
 * the Entra object id of the person (from.aadObjectId), never by names or card data. Group answers are
 * cached briefly so a card refresh does not cost a Graph call per viewer.
 */
export class Authorization {
  private readonly cache = new Map<string, { at: number; groups: Set<string> }>();
  private readonly pending = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly settings: RoleSettings,
    private readonly directory: Directory,
    private readonly clock: Clock,
  ) {}

  isRequester(aadObjectId: string | undefined | null): Promise<boolean> {
    return this.has('requester', aadObjectId);
  }

  isApprover(aadObjectId: string | undefined | null): Promise<boolean> {
    return this.has('approver', aadObjectId);
  }

  /** Approver for a request of this kind. */
  isApproverFor(kind: 'transfer' | 'rollback', aadObjectId: string | undefined | null): Promise<boolean> {
    return this.has(kind === 'rollback' ? 'rollback-approver' : 'approver', aadObjectId);
  }

  isAdmin(aadObjectId: string | undefined | null): Promise<boolean> {
    return this.has('admin', aadObjectId);
  }

  /** Approvers of this kind: the configured ids and the group (its members are listed by the caller). */
  approverSource(kind: 'transfer' | 'rollback'): { ids: string[]; groupId: string | null } {
    const [ids, groupId] = this.source(kind === 'rollback' ? 'rollback-approver' : 'approver');
    return { ids: [...ids], groupId };
  }

  /** Transitive member of one of the approval-flow groups (extraGroupIds) or of a role group. */
  async isInGroup(groupId: string, aadObjectId: string | undefined | null): Promise<boolean> {
    if (!aadObjectId) return false;
    return (await this.memberGroups(aadObjectId.toLowerCase())).has(groupId.toLowerCase());
  }

  async has(role: Role, aadObjectId: string | undefined | null): Promise<boolean> {
    if (!aadObjectId) return false;
    const [ids, groupId] = this.source(role);
    const id = aadObjectId.toLowerCase();
    if (ids.includes(id)) return true;
    if (!groupId) return false;
    const groups = await this.memberGroups(id);
    return groups.has(groupId);
  }

  private source(role: Role): [string[], string | null] {
    const s = this.settings;
    switch (role) {
      case 'requester':
        return [s.requesterIds, s.requesterGroupId];
      case 'approver':
        return [s.approverIds, s.approverGroupId];
      case 'rollback-approver':
        return [s.rollbackApproverIds, s.rollbackApproverGroupId];
      case 'admin':
        return [s.adminIds, s.adminGroupId];
    }
  }

  private async memberGroups(userId: string): Promise<Set<string>> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(userId);
    if (cached && now - cached.at < CACHE_MS) return cached.groups;
    // One Graph call per person at a time: when the entry expires under a burst of that person's
    // messages, they all wait for the same answer instead of each asking Graph.
    const pending = this.pending.get(userId);
    if (pending) return pending;
    const lookup = (async () => {
      const s = this.settings;
      const wanted = [s.requesterGroupId, s.approverGroupId, s.rollbackApproverGroupId, s.adminGroupId, ...(s.extraGroupIds ?? [])]
        .filter((g): g is string => Boolean(g))
        .map((g) => g.toLowerCase());
      const found = await this.directory.memberGroups(userId, [...new Set(wanted)]);
      const groups = new Set(found.map((g) => g.toLowerCase()));
      this.cache.set(userId, { at: now, groups });
      return groups;
    })();
    this.pending.set(userId, lookup);
    try {
      return await lookup;
    } finally {
      this.pending.delete(userId);
    }
  }
}
