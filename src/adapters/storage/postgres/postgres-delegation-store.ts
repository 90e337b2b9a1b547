import { Delegation, DelegationStore } from '../../../ports/delegation-store';
import { DELEGATION_COLUMNS, DelegationRow, delegationValues, toDelegation } from '../delegation-rows';
import { PostgresDatabase } from './database';

/** Same contract as SqliteDelegationStore. */
export class PostgresDelegationStore implements DelegationStore {
  constructor(private readonly db: PostgresDatabase) {}

  async create(d: Delegation): Promise<void> {
    await this.db.query(`INSERT INTO approval_delegations (${DELEGATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, delegationValues(d));
  }

  async end(id: string, at: string, by: string): Promise<boolean> {
    const result = await this.db.query('UPDATE approval_delegations SET ended_at = $1, ended_by = $2 WHERE id = $3 AND ended_at IS NULL', [at, by, id]);
    return result.rowCount === 1;
  }

  async active(at: string): Promise<Delegation[]> {
    const { rows } = await this.db.query<DelegationRow>(
      `SELECT ${DELEGATION_COLUMNS} FROM approval_delegations WHERE ended_at IS NULL AND starts_at <= $1 AND ends_at > $1 ORDER BY created_at, id`,
      [at],
    );
    return rows.map(toDelegation);
  }
}
