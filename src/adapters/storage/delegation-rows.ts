import type { Selectable } from 'kysely';
import { Delegation } from '../../ports/delegation-store';
import type { ApprovalDelegationsTable } from './sql/tables';

/** An approval_delegations row (sql/tables.ts). */
export type DelegationRow = Selectable<ApprovalDelegationsTable>;

/** The row of a delegation, for the store (delegation-store.ts). */
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
