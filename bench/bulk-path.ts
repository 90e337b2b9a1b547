import type { BulkDirectory } from '../src/ports/bulk-directory';

/**
 * "The bot's bulk path" as the benchmark measures it. For now it calls the BulkDirectory the way the
 * wave executor will: per chunk of users, read state (getUsers + getCloudManaged), PATCH
 * (setCloudManaged), read back (getCloudManaged), a few chunks in flight. To measure the bot's own
 * executor instead, replace `runBulkPath` (same input, same result shape).
 */

export interface BulkPathInput {
  bulk: BulkDirectory;
  upns: string[];
  /** Users per chunk. Default 500. */
  chunkSize?: number;
  /** Chunks worked on at once (their phases overlap). Default 3. */
  chunksInFlight?: number;
}

export interface BulkPathResult {
  /** PATCHed and read back as cloud-managed. */
  transferred: number;
  /** Already cloud-managed before the PATCH. */
  alreadyDone: number;
  /** Not found, not synced, or an error (reason -> count). */
  skippedOrFailed: Map<string, number>;
}

export async function runBulkPath(input: BulkPathInput): Promise<BulkPathResult> {
  const chunkSize = input.chunkSize ?? 500;
  const chunks: string[][] = [];
  for (let i = 0; i < input.upns.length; i += chunkSize) chunks.push(input.upns.slice(i, i + chunkSize));
  const result: BulkPathResult = { transferred: 0, alreadyDone: 0, skippedOrFailed: new Map() };
  const fail = (reason: string) => result.skippedOrFailed.set(reason, (result.skippedOrFailed.get(reason) ?? 0) + 1);

  const one = async (chunk: string[]): Promise<void> => {
    const users = await input.bulk.getUsers(chunk);
    const synced: string[] = [];
    for (const r of users.values()) {
      if (!r.ok) fail(r.error.code);
      else if (!r.value) fail('not found');
      else if (r.value.onPremisesSyncEnabled !== true) fail('not synced');
      else synced.push(r.value.id);
    }
    const before = await input.bulk.getCloudManaged(synced);
    const eligible: string[] = [];
    for (const [id, r] of before) {
      if (!r.ok) fail(r.error.code);
      else if (r.value) result.alreadyDone += 1;
      else eligible.push(id);
    }
    const patched = await input.bulk.setCloudManaged(eligible, true);
    const written: string[] = [];
    for (const [id, r] of patched) {
      if (r.ok) written.push(id);
      else fail(r.error.code);
    }
    const after = await input.bulk.getCloudManaged(written);
    for (const r of after.values()) {
      if (r.ok && r.value) result.transferred += 1;
      else fail(r.ok ? 'read back not cloud-managed' : r.error.code);
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chunks.length) await one(chunks[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(input.chunksInFlight ?? 3, chunks.length) }, worker));
  return result;
}

/** Graph cost of the path above per user: GET user ($select), GET SOA ($select), PATCH, GET SOA. */
export const BULK_PATH_COST_PER_USER = { resourceUnits: 4, writes: 1 } as const;
