import { Delegation } from '../../ports/delegation-store';

/** approval_delegations rows, the same in SQLite and PostgreSQL. */
export interface DelegationRow {
  id: string;
  delegator_id: string;
  delegator_name: string;
  delegate_id: string;
  delegate_name: string;
  starts_at: string;
  ends_at: string;
  created_by: string;
  created_at: string;
  ended_at: string | null;
  ended_by: string | null;
}

export const DELEGATION_COLUMNS =
  'id, delegator_id, delegator_name, delegate_id, delegate_name, starts_at, ends_at, created_by, created_at, ended_at, ended_by';

export function delegationValues(d: Delegation): (string | null)[] {
  return [
    d.id,
    d.delegator.aadObjectId,
    d.delegator.name,
    d.delegate.aadObjectId,
    d.delegate.name,
    d.startsAt,
    d.endsAt,
    d.createdBy,
    d.createdAt,
    d.endedAt,
    d.endedBy,
  ];
}

/** The row of a delegation, for the one store (../delegation-store.ts). */
export function delegationRow(d: Delegation): DelegationRow {
  return {
    id: d.id,
    delegator_id: d.delegator.aadObjectId,
    delegator_name: d.delegator.name,
    delegate_id: d.delegate.aadObjectId,
    delegate_name: d.delegate.name,
    starts_at: d.startsAt,
    ends_at: d.endsAt,
    created_by: d.createdBy,
    created_at: d.createdAt,
    ended_at: d.endedAt,
    ended_by: d.endedBy,
  };
}

export function toDelegation(row: DelegationRow): Delegation {
  return {
    id: row.id,
    delegator: { aadObjectId: row.delegator_id, name: row.delegator_name },
    delegate: { aadObjectId: row.delegate_id, name: row.delegate_name },
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    endedBy: row.ended_by,
  };
}
