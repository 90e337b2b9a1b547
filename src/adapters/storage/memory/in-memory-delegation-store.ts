import { Delegation, DelegationStore } from '../../../ports/delegation-store';

/** Same contract as SqliteDelegationStore. */
export class InMemoryDelegationStore implements DelegationStore {
  private readonly rows: Delegation[] = [];

  async create(d: Delegation): Promise<void> {
    this.rows.push(structuredClone(d));
  }

  async end(id: string, at: string, by: string): Promise<boolean> {
    const row = this.rows.find((d) => d.id === id && d.endedAt === null);
    if (!row) return false;
    row.endedAt = at;
    row.endedBy = by;
    return true;
  }

  async active(at: string): Promise<Delegation[]> {
    return this.rows.filter((d) => d.endedAt === null && d.startsAt <= at && d.endsAt > at).map((d) => structuredClone(d));
  }
}
