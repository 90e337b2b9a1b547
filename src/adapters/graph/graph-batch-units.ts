import type { GraphApiVersion } from './graph-client-factory';
import type { BatchItemOutcome, BatchRequestSpec } from './graph-batch-types';
import type { Lane } from './throttle-controller';
import type { GraphCallOwner } from './graph-call-owner';

/**
 * How requests travel in $batch: items, units (a dependency group travels together; a retried item
 * alone), the queues they wait in, and the grouping of a call's requests into units.
 */

/** Graph allows at most 20 requests in one $batch. */
export const MAX_BATCH_ITEMS = 20;

export type ItemState = 'queued' | 'inflight' | 'waiting' | 'done';

export interface Item {
  spec: BatchRequestSpec;
  deps: Item[];
  state: ItemState;
  attempts: number;
  outcome: BatchItemOutcome | null;
  onSettled: (() => void)[];
  resolve: (outcome: BatchItemOutcome) => void;
  /** The request the execute() call was made for (null: none): its items travel in batches of their own. */
  owner: GraphCallOwner | null;
  /** The execute() call's beforeSend and this item's index in that call. */
  hook?: { beforeSend: (indexes: number[]) => Promise<void>; notApplied?: (indexes: number[]) => void; index: number };
}

/** Items that travel together (a dependency group); retried items travel alone. */
export interface Unit {
  items: Item[];
  lane: Lane;
  version: GraphApiVersion;
  readyAt: number;
}

export class UnitQueue {
  private items: Unit[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(unit: Unit): void {
    this.items.push(unit);
  }

  peek(): Unit {
    return this.items[this.head];
  }

  shift(): Unit {
    const unit = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return unit;
  }
}

export interface LaneQueues {
  /** Whose items wait here: a $batch carries the items of one request only, so it is filed in that request's record. */
  owner: GraphCallOwner | null;
  /** Retries go first, so an item is not starved behind a long wave. */
  retry: UnitQueue;
  fresh: UnitQueue;
}

export function groupUnits(items: Item[], versionOf: (spec: BatchRequestSpec) => GraphApiVersion): Omit<Unit, 'readyAt'>[] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const index = new Map(items.map((item, i) => [item, i]));
  items.forEach((item, i) => {
    for (const d of item.deps) parent[find(index.get(d) as number)] = find(i);
  });
  const groups = new Map<number, Item[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(item);
    else groups.set(root, [item]);
  });
  const units: Omit<Unit, 'readyAt'>[] = [];
  for (const group of groups.values()) {
    if (group.length > MAX_BATCH_ITEMS) throw new Error(`a dependency group of ${group.length} requests does not fit one batch (${MAX_BATCH_ITEMS})`);
    const versions = new Set(group.map((i) => versionOf(i.spec)));
    if (versions.size > 1) throw new Error('a dependency group cannot span API versions');
    assertAcyclic(group);
    // Dependencies before dependents inside the batch, as Graph expects.
    units.push({ items: topological(group), lane: laneOf(group), version: [...versions][0] });
  }
  return units;
}

export function assertAcyclic(group: Item[]): void {
  const state = new Map<Item, 1 | 2>();
  const visit = (item: Item): void => {
    const s = state.get(item);
    if (s === 2) return;
    if (s === 1) throw new Error('dependsOn has a cycle');
    state.set(item, 1);
    item.deps.forEach(visit);
    state.set(item, 2);
  };
  group.forEach(visit);
}

export function topological(group: Item[]): Item[] {
  const out: Item[] = [];
  const seen = new Set<Item>();
  const visit = (item: Item): void => {
    if (seen.has(item)) return;
    seen.add(item);
    item.deps.forEach(visit);
    out.push(item);
  };
  group.forEach(visit);
  return out;
}

export function laneOf(items: Item[]): Lane {
  return items.some((i) => i.spec.method !== 'GET' && !i.spec.readOnly) ? 'write' : 'read';
}

export function isSuccess(outcome: BatchItemOutcome | null): boolean {
  return !!outcome && outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300;
}
