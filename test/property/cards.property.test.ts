import fc from 'fast-check';
import { renderRequestCard, RequestCardView } from '../../src/cards/request-card';
import { renderAuditText, renderOutcomeCard } from '../../src/cards/outcome-card';
import { renderStatusText } from '../../src/cards/status-report';
import { renderNotification, NotifyEvent } from '../../src/app/notify';
import { BLOCKER_REASON, PreflightBlocker, PreflightResult } from '../../src/domain/preflight';
import { ExecutionOutcome, RequestStatus, RequestTarget, SoaRequest } from '../../src/domain/soa-request';
import { SoaState } from '../../src/domain/soa-state';
import { CARD_BUDGET_BYTES, cardBytes } from '../../src/cards/card-budget';
import { aRequest } from '../support/builders';
import { cardProblems } from '../support/card-validation';
import { CARD_TYPES, cardTexts, cardTypes, markupProblems } from './markup-check';

/**
 * Property: for requests built from ANY strings (names, justifications, UPNs, comments, group and
 * package names, audit values) every card builder returns a card that the adaptivecards SDK parses,
 * at version ≤ 1.5, under 28 KB, whose texts contain no markup but our own admin-center links and
 * code spans: user text is always shown as text. 10,000 generated requests per builder.
 */
const RUNS = 10_000;
/** ~3-9 s each alone on 2 cores; generous for a loaded CI runner next to other suites. */
const FUZZ_TIMEOUT_MS = 90_000;

const STATUSES: RequestStatus[] = [
  'pending',
  'awaiting-safeguard',
  'approved',
  'executing',
  'awaiting-sync',
  'sync-timed-out',
  'completed',
  'completed-with-failures',
  'failed',
  'rejected',
  'expired',
];
const OUTCOMES: ExecutionOutcome[] = ['pending', 'in-progress', 'done', 'already-done', 'failed', 'unknown'];
const STATES: SoaState[] = ['synced', 'transferred', 'rolled-back-awaiting-sync', 'cloud-native', 'not-found'];
const BLOCKERS = Object.keys(BLOCKER_REASON) as PreflightBlocker[];

const HOSTILE = [
  '[x](http://evil)',
  '<at>Adam</at>',
  '**bold**',
  '_it_',
  '`code`',
  '<script>alert(1)</script>',
  '&lt;at&gt;',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
  '{"type":"Action.OpenUrl","url":"http://evil"}',
  '"},{"type":"Action.Submit"',
  '# heading',
  '- item',
  '1. first',
  '> quote',
  '| a | b |',
  '~~s~~',
  '![i](http://evil/i.png)',
  '\\',
  '\n\n- injected\n',
  '\u202eevil',
  "O'Brien",
  'Ад\u0430м',
  '😀'.repeat(30),
  ' ',
  '',
];
/** Arbitrary text: plain, full Unicode, hostile fragments, and now and then very long. */
const text = (maxLength: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: Math.min(maxLength, 40) }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: Math.min(maxLength, 40) }) },
    { weight: 3, arbitrary: fc.array(fc.constantFrom(...HOSTILE), { maxLength: 4 }).map((a) => a.join(' ')) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('&', '<', '\\', '*', '[', ']', '(', ')', '😀', 'a'), minLength: maxLength / 2, maxLength }) },
  );
const guid = fc.uuid();

const preflight = (eligible: boolean): fc.Arbitrary<PreflightResult> =>
  fc.record({
    upn: text(130),
    userId: fc.option(fc.oneof(guid, text(40)), { nil: null }),
    displayName: fc.option(text(256), { nil: null }),
    state: fc.constantFrom(...STATES),
    eligible: fc.constant(eligible),
    blocker: eligible ? fc.constant(null) : fc.option(fc.constantFrom(...BLOCKERS), { nil: null }),
    warnings: fc.constantFrom([], ['Mail-enabled with on-premises attributes: check that the mailbox is not still managed on-premises (Exchange).']),
    references: eligible
      ? fc.constant(undefined)
      : fc.option(
          fc.array(
            fc.record({
              groupId: fc.oneof(guid, text(40)),
              groupName: text(256),
              accessPackages: fc.array(fc.record({ id: guid, displayName: text(256), catalogName: text(256) }), { maxLength: 3 }),
            }),
            { maxLength: 4 },
          ),
          { nil: undefined },
        ),
  });

const target: fc.Arbitrary<RequestTarget> = fc.record({
  preflight: preflight(true),
  execution: fc.record({
    outcome: fc.constantFrom(...OUTCOMES),
    errorCode: fc.option(fc.constantFrom('GRAPH.BAD_REQUEST', 'STATE.CHANGED'), { nil: null }),
    errorDetail: fc.option(fc.constantFrom('Microsoft Graph did not answer (server error or time-out) after several tries.'), { nil: null }),
    graphRequestId: fc.option(fc.oneof(guid, text(80)), { nil: null }),
  }),
  audit: fc.oneof(
    fc.record({ status: fc.constantFrom('not-started' as const, 'searching' as const, 'missing' as const) }),
    fc.record({
      status: fc.constant('found' as const),
      activity: text(200),
      activityDateTime: fc.oneof(fc.constant('2025-06-01T10:05:00Z'), text(40)),
      correlationId: fc.oneof(guid, text(80)),
    }),
  ),
  sync: fc.option(fc.record({ status: fc.constantFrom('waiting' as const, 'taken-over' as const, 'timed-out' as const) }), { nil: null }),
});

const person = fc.record({ aadObjectId: guid, name: text(300), mri: fc.constant('29:x') });

/** Mostly small requests; one in 25 with 20-50 users (size limits), some with 1000-character reasons. */
const request: fc.Arbitrary<SoaRequest> = fc
  .record({
    kind: fc.constantFrom('transfer' as const, 'rollback' as const),
    status: fc.constantFrom(...STATUSES),
    requester: person,
    justification: fc.oneof(text(1000), fc.string({ minLength: 900, maxLength: 1000 })),
    targets: fc.oneof(
      { weight: 24, arbitrary: fc.array(target, { minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: fc.array(target, { minLength: 20, maxLength: 50 }) },
    ),
    blocked: fc.array(preflight(false), { maxLength: 3 }),
    decisions: fc.array(
      fc.record({
        by: person,
        at: fc.constant('2025-06-01T10:05:00.000Z'),
        decision: fc.constantFrom('approve' as const, 'reject' as const),
        comment: fc.option(text(1000), { nil: null }),
      }),
      { maxLength: 3 },
    ),
    safeguard: fc.option(fc.record({ confirmedBy: person, at: fc.constant('2025-06-01T10:07:00.000Z') }), { nil: null }),
    correlationId: fc.oneof(guid, text(80)),
  })
  .map((r) => aRequest(r));

const view: fc.Arbitrary<RequestCardView> = fc.record({
  audience: fc.constantFrom('approver' as const, 'everyone' as const),
  refreshUserIds: fc.constantFrom(
    undefined,
    ['29:adam'],
    Array.from({ length: 70 }, (_, i) => `29:u${i}`),
  ),
  notice: fc.option(
    fc.record({
      text: fc.constantFrom('This card is out of date.', 'Approved by Adam \\[x\\]. Done.'),
      tone: fc.constantFrom('attention' as const, 'good' as const),
    }),
    { nil: undefined },
  ),
  mayConfirmSafeguard: fc.boolean(),
  tenantId: fc.constant('11111111-2222-3333-4444-555555555555'),
});

/** Plain checks in the hot loop (jest's expect is slow at 10,000 x dozens of calls); one expect at the end. */
function safeCardProblems(card: Record<string, unknown>): string[] {
  const problems = cardProblems(card);
  const size = cardBytes(card);
  if (size > CARD_BUDGET_BYTES) problems.push(`card is ${size} bytes`);
  for (const type of cardTypes(card)) if (!CARD_TYPES.has(type)) problems.push(`unexpected element ${type}`);
  for (const t of cardTexts(card)) {
    for (const p of markupProblems(t)) problems.push(`${p} in ${JSON.stringify(t).slice(0, 300)}`);
    if (/<at\b/i.test(t)) problems.push(`raw <at> in ${JSON.stringify(t).slice(0, 300)}`);
  }
  return problems;
}

function expectSafeCard(card: Record<string, unknown>): void {
  expect(safeCardProblems(card)).toEqual([]);
}

function assertNoProblems(problems: string[]): void {
  if (problems.length > 0) throw new Error(problems.join('\n'));
}

describe('card builders (property-based, 10,000 requests each)', () => {
  it(
    'renderRequestCard: every status, audience and kind, arbitrary text',
    () => {
      fc.assert(
        fc.property(request, view, (r, v) => assertNoProblems(safeCardProblems(renderRequestCard(r, v)))),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'renderOutcomeCard: arbitrary text',
    () => {
      fc.assert(
        fc.property(request, (r) => assertNoProblems(safeCardProblems(renderOutcomeCard(r)))),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'message texts (notification, audit, status) show arbitrary text as text',
    () => {
      const events: NotifyEvent[] = ['requested', 'approved', 'rejected', 'expired', 'executed', 'completed', 'timed-out', 'failed'];
      fc.assert(
        fc.property(request, fc.constantFrom(...events), fc.option(person, { nil: null }), (r, event, actor) => {
          assertNoProblems(markupProblems(renderNotification(r, event, actor), { allowBold: true }));
          assertNoProblems(markupProblems(renderAuditText(r), { allowListItems: true }));
          const status = renderStatusText(
            r.targets.slice(0, 3).map((t) => ({
              upn: t.preflight.upn,
              state: t.preflight.state,
              isCloudManaged: null,
              user: t.preflight.userId
                ? {
                    id: t.preflight.userId,
                    userPrincipalName: t.preflight.upn,
                    displayName: t.preflight.displayName,
                    mail: null,
                    onPremisesSyncEnabled: true,
                    onPremisesImmutableId: r.justification.slice(0, 30),
                    onPremisesLastSyncDateTime: null,
                    onPremisesDistinguishedName: t.preflight.displayName,
                    onPremisesSamAccountName: r.requester.name,
                    onPremisesSecurityIdentifier: null,
                    onPremisesDomainName: null,
                    onPremisesUserPrincipalName: t.preflight.upn,
                  }
                : null,
            })),
          );
          assertNoProblems(markupProblems(status, { allowBold: true, allowListItems: true }));
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe('card size limits', () => {
  const long = (n: number, c = 'x') => c.repeat(n);
  const big = (count: number, name: string) =>
    aRequest({
      justification: long(1000, '&<'),
      targets: Array.from({ length: count }, (_, i) => ({
        preflight: {
          upn: `${long(50, '*')}${i}@contoso.com`,
          userId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          displayName: name,
          state: 'synced',
          eligible: true,
          blocker: null,
          warnings: [],
        },
        execution: { outcome: 'failed', errorDetail: 'Microsoft Graph did not answer (server error or time-out) after several tries.' },
        audit: { status: 'found', activity: long(200, '['), activityDateTime: '2025-06-01T10:05:00Z', correlationId: long(80, '_') },
      })),
    });

  it('50 users with 256-character hostile names and a 1000-character reason: all users listed, under 28 KB', () => {
    const r = big(50, long(256, '<'));
    for (const card of [renderRequestCard(r, { audience: 'approver' }), renderOutcomeCard(r)]) {
      expectSafeCard(card);
      for (let i = 0; i < 50; i++) expect(JSON.stringify(card)).toContain(`${i}@contoso.com`);
    }
  });

  it('1000 users (the MAX_USERS_PER_REQUEST ceiling): as many as fit, then "… and N more"', () => {
    const r = big(1000, 'Jane Doe');
    for (const card of [renderRequestCard(r, { audience: 'approver' }), renderOutcomeCard(r)]) {
      expectSafeCard(card);
      expect(JSON.stringify(card)).toMatch(/… and \d+ more users not shown/);
    }
    // The buttons survive the cut: approvers can still decide.
    expect(JSON.stringify(renderRequestCard(r, { audience: 'approver' }))).toContain('soa.approve');
  });

  it('a justification that looks like card JSON stays one string in one fact', () => {
    const r = aRequest({ justification: '"}]},{"type":"Action.OpenUrl","url":"https://evil"},{"type":"TextBlock","text":"' });
    const card = renderRequestCard(r, { audience: 'everyone' });
    expectSafeCard(card);
    expect(cardTypes(card).filter((t) => t === 'Action.OpenUrl')).toEqual([]);
  });
});
