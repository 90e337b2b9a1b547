import { Delegation, DelegationStore } from '../../../ports/delegation-store';
import { DELEGATION_COLUMNS, DelegationRow, delegationValues, toDelegation } from '../delegation-rows';
import { SqliteDatabase } from './database';

export class SqliteDelegationStore implements DelegationStore {
  constructor(private readonly db: SqliteDatabase) {}

  async create(d: Delegation): Promise<void> {
    this.db.prepare(`INSERT INTO approval_delegations (${DELEGATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(...delegationValues(d));
  }

  async end(id: string, at: string, by: string): Promise<boolean> {
    return this.db.prepare('UPDATE approval_delegations SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL').run(at, by, id).changes === 1;
  }

  async active(at: string): Promise<Delegation[]> {
    const rows = this.db
      .prepare(`SELECT ${DELEGATION_COLUMNS} FROM approval_delegations WHERE ended_at IS NULL AND starts_at <= ? AND ends_at > ? ORDER BY created_at, id`)
      .all(at, at) as DelegationRow[];
    return rows.map(toDelegation);
  }
}
