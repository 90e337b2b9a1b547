import { Clock } from '../../ports/clock';

/** What every store may be given: the clock of its timestamps and leases, the source of new ids. */
export interface StoreOptions {
  clock?: Clock;
  /** Job, notification and subscription-change ids; random UUIDs by default. */
  newId?: () => string;
}
