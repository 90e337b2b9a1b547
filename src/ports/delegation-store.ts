/** An approver's right handed to another person for a period (`delegate to <person> until <date>`). */
export interface Delegation {
  id: string;
  delegator: { aadObjectId: string; name: string };
  delegate: { aadObjectId: string; name: string };
  startsAt: string;
  /** Exclusive end of the period (ISO instant). */
  endsAt: string;
  createdBy: string;
  createdAt: string;
  /** Ended early (`delegate off`, or by an admin); null while it runs its course. */
  endedAt: string | null;
  endedBy: string | null;
}

/** Durable delegations, shared by every instance. Rows are never deleted: ending one is recorded. */
export interface DelegationStore {
  create(delegation: Delegation): Promise<void>;
  /** Ends the delegation now if it is not ended yet; false when it already was. */
  end(id: string, at: string, by: string): Promise<boolean>;
  /** Delegations running at `at` (started, not past their end, not ended), oldest first. */
  active(at: string): Promise<Delegation[]>;
}
