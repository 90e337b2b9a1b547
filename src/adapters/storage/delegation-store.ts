import { Delegation, DelegationStore } from '../../ports/delegation-store';
import { delegationRow, toDelegation } from './delegation-rows';
import type { StoreOptions } from './store-options';
import type { SqlDatabase } from './sql/database';

/** Approval delegations (migration 8): created once, ended at most once, never deleted. */
export class SqlDelegationStore implements DelegationStore {
  constructor(
    private readonly database: SqlDatabase,
    readonly options: StoreOptions = {},
  ) {}

  async create(d: Delegation): Promise<void> {
    const db = await this.database.kysely();
    await db.insertInto('approval_delegations').values(delegationRow(d)).execute();
  }

  async end(id: string, at: string, by: string): Promise<boolean> {
    const db = await this.database.kysely();
    const result = await db
      .updateTable('approval_delegations')
      .set({ ended_at: at, ended_by: by })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async active(at: string): Promise<Delegation[]> {
    const db = await this.database.kysely();
    const rows = await db
      .selectFrom('approval_delegations')
      .selectAll()
      .where('ended_at', 'is', null)
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toDelegation);
  }
}
