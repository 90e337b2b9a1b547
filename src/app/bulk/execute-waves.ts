import { RequestTarget, TargetExecution, SoaRequest, revise } from '../../domain/soa-request';
import { shouldHalt } from '../../domain/waves';
import { BulkDirectory } from '../../ports/bulk-directory';
import { RequestEvent } from '../../ports/request-store';
import { AppDeps } from '../app-deps';
import { refreshCards } from '../card-publisher';
import { notifyRequestEvent } from '../notify';
import { frozenState } from '../freeze';
import { runStep } from '../execute-step';
import { ALWAYS_HELD, WorkGuard } from '../work-guard';
import { say } from '../wording';

const CHUNK = 500;
const CHUNKS_IN_FLIGHT = 3;
const CARD_UPDATE_EVERY_MS = 5_000;
const UNFINISHED = new Set(['pending', 'in-progress', 'unknown']);

/** Reports of the chunks saved together (see apply in executeWaves). */
interface SaveBatch {
  patch: Map<number, Partial<TargetExecution>>;
  events: Omit<RequestEvent, 'requestId' | 'at'>[];
  saved: Promise<void>;
}

/** `retryAt`: when held for PATCHes from before a crash, the moment the first of them can no longer land. */
export type WaveRun = { request: SoaRequest; outcome: 'finished' | 'halted' | 'held'; retryAt?: string };

/**
 * Executes an approved request through the one per-user step (execute-step.ts), in chunks. A bulk
 * request goes wave by wave: after each wave the failure rate decides whether to continue or halt for
 * an approver. Any other request is one wave of all its users, never halted. Per-user state is durable
 * at every chunk, so a restart picks up where it stopped and never patches anyone twice blindly.
 * `guard` (the job's lease, see work-guard.ts) is asked before every chunk's writes: when it says stop,
 * the chunks in flight finish their Graph calls and records, and the error is thrown after them.
 */
export async function executeWaves(deps: AppDeps, dir: BulkDirectory, start: SoaRequest, guard: WorkGuard = ALWAYS_HELD): Promise<WaveRun> {
  let request = start;
  const waves = request.bulk ? request.bulk.waves : [request.targets.length];
  let lastCardUpdate = deps.clock.now().getTime();
  const nextWave = () => (request.bulk ? request.bulk.nextWave : 0);
  while (!request.bulk || nextWave() < waves.length) {
    if (request.bulk && (await frozenState(deps))) return { request, outcome: 'held' };
    const waveIndex = nextWave();
    const from = waves.slice(0, waveIndex).reduce((a, b) => a + b, 0);
    const to = from + waves[waveIndex];
    const chunks: number[][] = [];
    for (let i = from; i < to; i += CHUNK) {
      const indexes = range(i, Math.min(i + CHUNK, to)).filter((k) => UNFINISHED.has(request.targets[k].execution.outcome));
      if (indexes.length > 0) chunks.push(indexes);
    }
    // Several chunks in flight (their Graph calls overlap); their saves go one at a time onto the
    // latest stored request, each touching only its own users. What the chunks report while a save is
    // being written waits for it and is then saved together, in the order reported: each report is
    // answered once it is durable, as before, but a 10,000-user wave no longer writes (and copies its
    // list of 10,000) for every few users (2,221 saves in the benchmark).
    let saving: Promise<unknown> = Promise.resolve();
    let queued: SaveBatch | null = null;
    const apply = (patch: Map<number, Partial<TargetExecution>>, events: Omit<RequestEvent, 'requestId' | 'at'>[]) => {
      if (!queued) {
        const batch: SaveBatch = { patch: new Map(), events: [], saved: Promise.resolve() };
        batch.saved = saving.then(async () => {
          queued = null; // reports from now on go into the next save
          request = await save(deps, request, batch.patch, batch.events);
          const now = deps.clock.now().getTime();
          if (request.bulk && now - lastCardUpdate > CARD_UPDATE_EVERY_MS) {
            lastCardUpdate = now;
            void refreshCards(deps, request);
          }
        });
        saving = batch.saved.catch(() => undefined);
        queued = batch;
      }
      for (const [k, change] of patch) queued.patch.set(k, { ...queued.patch.get(k), ...change });
      queued.events.push(...events);
      return queued.saved;
    };
    let cursor = 0;
    let stop: unknown = null;
    const worker = async () => {
      while (cursor < chunks.length && stop === null) {
        try {
          await runStep(deps, dir, request, chunks[cursor++], apply, guard);
        } catch (error) {
          stop ??= error;
        }
      }
    };
    // Every chunk in flight ends (its PATCH read back and recorded) before a stop or failure is thrown.
    await Promise.all(Array.from({ length: Math.min(CHUNKS_IN_FLIGHT, chunks.length) }, worker));
    if (stop !== null) throw stop;
    const wave = request.targets.slice(from, to);
    // A PATCH from before a crash may still land for some users: finish this wave later, not now.
    const waiting = wave.filter((t) => t.execution.outcome === 'in-progress' && t.execution.attemptedAt).map((t) => Date.parse(t.execution.attemptedAt!));
    if (wave.some((t) => t.execution.outcome === 'in-progress')) {
      const retryAt = waiting.length > 0 ? new Date(Math.min(...waiting) + deps.settings.patchSettleMs).toISOString() : undefined;
      return { request, outcome: 'held', retryAt };
    }
    if (!request.bulk) return { request, outcome: 'finished' };
    const halted = await endWave(deps, request, waveIndex, wave);
    request = halted.request;
    if (halted.halt) return { request, outcome: 'halted' };
  }
  return { request, outcome: 'finished' };
}

/** After a wave of a bulk request: record it, and halt for an approver when too many users failed. */
async function endWave(deps: AppDeps, request: SoaRequest, waveIndex: number, wave: RequestTarget[]): Promise<{ request: SoaRequest; halt: boolean }> {
  const plan = request.bulk!;
  const failed = wave.filter((t) => t.execution.outcome === 'failed' || t.execution.outcome === 'unknown').length;
  const halt = waveIndex + 1 < plan.waves.length && shouldHalt({ attempted: wave.length, failed }, plan.haltFailureRate);
  // A group tree stays on the halted level: a resume retries its failures before any parent is touched.
  const nextWave = halt && plan.tree ? waveIndex : waveIndex + 1;
  const haltedReason = halt
    ? say.halted(
        plan.tree
          ? { tree: true, level: plan.waves.length - waveIndex - 1, position: waveIndex + 1, levels: plan.waves.length, failed, size: wave.length }
          : { tree: false, wave: nextWave, waves: plan.waves.length, failed, size: wave.length, limit: plan.haltFailureRate },
      )
    : null;
  const next = revise(request, { status: halt ? 'halted' : request.status, bulk: { ...plan, nextWave, haltedReason } }, { card: true });
  await deps.requests.update(
    next,
    request.version,
    [
      {
        requestId: request.id,
        at: deps.clock.now().toISOString(),
        type: halt ? 'wave.halted' : 'wave.finished',
        data: { wave: waveIndex + 1, size: wave.length, failed },
      },
    ],
    { changedTargets: [] },
  );
  if (halt) {
    deps.logger.warn({ requestId: request.id, wave: waveIndex + 1, failed, size: wave.length }, 'bulk execution halted');
    await refreshCards(deps, next);
    await deps.chat.post(next.origin.conversationKey, { text: `${next.id}: ${haltedReason}` }).catch(() => undefined);
    await notifyRequestEvent(deps, next, 'halted');
  }
  return { request: next, halt };
}

async function save(
  deps: AppDeps,
  request: SoaRequest,
  patch: Map<number, Partial<TargetExecution>>,
  events: Omit<RequestEvent, 'requestId' | 'at'>[],
): Promise<SoaRequest> {
  const targets: RequestTarget[] = request.targets.map((t, k) => (patch.has(k) ? { ...t, execution: { ...t.execution, ...patch.get(k) } } : t));
  const next = revise(request, { targets }, { card: false });
  const at = deps.clock.now().toISOString();
  // Only this chunk's users are written again, not the whole list.
  await deps.requests.update(
    next,
    request.version,
    events.map((e) => ({ ...e, requestId: request.id, at })),
    { changedTargets: [...patch.keys()] },
  );
  return next;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
