import type { Item } from './graph-batch-units';

/**
 * The callers' hooks on their items (graph-batch-types.ts): `beforeSend` runs once per call for its items
 * of a batch before it goes out (e.g. storing the intent of PATCHes), `notApplied` hears of items Graph
 * refused with 429 (so a caller's "may have landed" bookkeeping is corrected before the retry).
 */

/** Items answered 429 (not applied): each call's notApplied hears about its own. */
export function tellNotApplied(items: Item[]): void {
  const byHook = new Map<(indexes: number[]) => void, number[]>();
  for (const item of items) {
    const notApplied = item.hook?.notApplied;
    if (!notApplied) continue;
    const list = byHook.get(notApplied);
    if (list) list.push(item.hook!.index);
    else byHook.set(notApplied, [item.hook!.index]);
  }
  for (const [notApplied, indexes] of byHook) {
    try {
      notApplied(indexes);
    } catch {
      // The caller's bookkeeping; the retry goes ahead regardless.
    }
  }
}

/** Runs each call's beforeSend once for its items of this batch; returns the items whose hook threw, with the error. */
export async function runHooks(items: Item[]): Promise<Map<Item, unknown>> {
  const byHook = new Map<(indexes: number[]) => Promise<void>, Item[]>();
  for (const item of items) {
    if (!item.hook) continue;
    const list = byHook.get(item.hook.beforeSend);
    if (list) list.push(item);
    else byHook.set(item.hook.beforeSend, [item]);
  }
  const refused = new Map<Item, unknown>();
  await Promise.all(
    [...byHook].map(async ([beforeSend, own]) => {
      try {
        await beforeSend(own.map((item) => item.hook!.index));
      } catch (error) {
        for (const item of own) refused.set(item, error);
      }
    }),
  );
  return refused;
}
