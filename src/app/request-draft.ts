import { PreflightResult } from '../domain/preflight';
import { BulkPlan, Person, RequestKind, SoaRequest, TargetType } from '../domain/soa-request';
import { parseWaves, planWaves } from '../domain/waves';
import { AppDeps } from './app-deps';
import { stagesForNewRequest } from './approver-rights';
import { listFingerprint } from './bulk/request-table';

export interface RequestDraftInput {
  kind: RequestKind;
  actor: Person;
  justification: string;
  origin: SoaRequest['origin'];
  upns: string[];
  source?: string;
  targetType: TargetType;
  eligible: PreflightResult[];
  blocked: PreflightResult[];
  groupGuidance: SoaRequest['groupGuidance'] | null;
  /** A group tree: one wave per nesting level, deepest first. */
  isTree: boolean;
  /** Executed in waves (a bulk plan). */
  isBulk: boolean;
}

/**
 * A new request, pending, from its checked targets: its approvals (stages and quorums, or the kind's
 * count), its expiry, and for a bulk request or a group tree its wave plan and the fingerprint of its list.
 */
export function draftRequest(deps: AppDeps, input: RequestDraftInput): SoaRequest {
  const { kind, actor, origin, eligible, blocked, targetType, groupGuidance, isTree, isBulk } = input;
  const now = deps.clock.now();
  const stages = stagesForNewRequest(deps, kind);
  const request: SoaRequest = {
    id: deps.ids.requestId(),
    kind,
    status: 'pending',
    version: 1,
    cardVersion: 1,
    requester: actor,
    justification: input.justification.slice(0, 1000),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + deps.settings.approvalTtlMs).toISOString(),
    // With stages, the total of their quorums (what the card's "x of y" counts).
    approvalsRequired: stages
      ? stages.reduce((n, s) => n + s.quorum, 0)
      : kind === 'rollback'
        ? deps.settings.rollbackApprovalsRequired
        : deps.settings.approvalsRequired,
    ...(stages ? { stages } : {}),
    decisions: [],
    targets: eligible.map((preflight) => ({ preflight, execution: { outcome: 'pending' }, audit: { status: 'not-started' } })),
    blocked,
    origin,
    cards: [],
    graphApiVersion: deps.settings.graphApiVersion,
    correlationId: deps.ids.uuid(),
    ...(targetType === 'group' ? { targetType } : {}),
    ...(groupGuidance ? { groupGuidance } : {}),
    bulk: isTree
      ? treePlan(deps, eligible, input.source ?? '')
      : isBulk
        ? {
            waves: planWaves(parseWaves(deps.settings.waves) ?? [{ kind: 'rest' }], eligible.length),
            nextWave: 0,
            haltFailureRate: deps.settings.haltFailureRate,
            haltedReason: null,
            fingerprint: listFingerprint(eligible.map((e) => e.userId!)),
            source: input.source ?? `${input.upns.length} users listed in the message`,
          }
        : null,
  };
  return request;
}

/**
 * A group tree's plan: the eligible groups are already listed deepest level first; one wave per level,
 * and a failure rate of 0 so that any failure halts before the parents (resume retries that level).
 */
function treePlan(deps: AppDeps, eligible: PreflightResult[], source: string): BulkPlan {
  const waves: number[] = [];
  let last: number | undefined;
  for (const e of eligible) {
    if (e.depth !== last) waves.push(0);
    waves[waves.length - 1]++;
    last = e.depth;
  }
  return { waves, nextWave: 0, haltFailureRate: 0, haltedReason: null, fingerprint: listFingerprint(eligible.map((e) => e.userId!)), source, tree: true };
}
