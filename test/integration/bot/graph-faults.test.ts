import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { wordsOf } from '../../support/connector-capture';
import { cardText } from '../../support/card-text';
import { DEMO_IDS, PEOPLE, VERBS, click, requestInChannel, soaPatches, waitForText } from './flow-helpers';

const PATCH_SOA = '^/users/[^/]+/onPremisesSyncBehavior$';

describe('Graph failures on the PATCH', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: { GRAPH_MAX_RETRIES: '2' } });
  });
  afterAll(() => h.stop());
  beforeEach(() => {
    h.emulator.control.reset();
    h.emulator.control.clearFaults();
  });

  async function transferWithFault(upn: string, fault: Parameters<BotHarness['emulator']['control']['injectFault']>[0]) {
    const posted = await requestInChannel(h, `transfer ${upn} reason: fault test`);
    h.emulator.control.injectFault(fault);
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    const outcome = await waitForText(h, new RegExp(`Transfer ${posted.requestId}: (failed|completed)`));
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    return { outcome, request, posted };
  }

  const cases: [string, Parameters<BotHarness['emulator']['control']['injectFault']>[0], RegExp, string][] = [
    [
      '403',
      { method: 'PATCH', pathPattern: PATCH_SOA, status: 403, graphCode: 'Authorization_RequestDenied', times: -1 },
      /lacks the application permission User-OnPremisesSyncBehavior\.ReadWrite\.All.*Grant admin consent/,
      'GRAPH.PERMISSION_MISSING',
    ],
    [
      '404',
      { method: 'PATCH', pathPattern: PATCH_SOA, status: 404, graphCode: 'Request_ResourceNotFound', times: -1 },
      /no longer exists \(404\)/,
      'GRAPH.NOT_FOUND',
    ],
    [
      '400',
      { method: 'PATCH', pathPattern: PATCH_SOA, status: 400, graphCode: 'Request_BadRequest', times: -1 },
      /rejected the change as invalid \(400\)/,
      'GRAPH.BAD_REQUEST',
    ],
    [
      '429 forever',
      { method: 'PATCH', pathPattern: PATCH_SOA, status: 429, retryAfter: '0.05', times: -1 },
      /kept throttling the bot \(429\)/,
      'GRAPH.THROTTLED',
    ],
  ];

  it.each(cases)('%s: the user is failed with its own message and nothing is marked done', async (_name, fault, message, code) => {
    const { outcome, request, posted } = await transferWithFault('alice@contoso.com', fault);
    expect(outcome).toMatch(/failed/);
    expect(request.status).toBe('failed');
    expect(request.targets[0].execution).toMatchObject({ outcome: 'failed', errorCode: code });
    expect(request.targets[0].execution.errorDetail).toMatch(message);
    expect(h.emulator.control.getUser('alice@contoso.com')?.isCloudManaged).toBe(false);
    const card = h.connector.posts().find((p) => wordsOf(p).startsWith(`Transfer ${posted.requestId}`))!.activity.attachments![0].content;
    expect(cardText(card)).toMatch(message);
    expect(cardText(card)).toMatch(/❌ failed/);
  });

  it('429 with a fractional Retry-After, then success: retried and done once', async () => {
    const { request } = await transferWithFault('bob@contoso.com', { method: 'PATCH', pathPattern: PATCH_SOA, status: 429, retryAfter: '0.128', times: 1 });
    expect(request.status).toBe('completed');
    expect(request.targets[0].execution.outcome).toBe('done');
    expect(soaPatches(h, DEMO_IDS.users.bob).map((c) => c.status)).toEqual([429, 204]);
  });

  it('503 until retries run out, then a read-back shows it did not land: failed, not done', async () => {
    const { request } = await transferWithFault('carol@contoso.com', { method: 'PATCH', pathPattern: PATCH_SOA, status: 503, retryAfter: '0.05', times: -1 });
    expect(request.targets[0].execution).toMatchObject({ outcome: 'failed', errorCode: 'GRAPH.UNAVAILABLE' });
    expect(request.targets[0].execution.errorDetail).toMatch(/did not answer.*did not land/);
    expect(h.emulator.control.getUser('carol@contoso.com')?.isCloudManaged).toBe(false);
  });

  it('a PATCH whose answer is lost (connection reset) but which landed is confirmed by reading back: done, not repeated', async () => {
    const posted = await requestInChannel(h, 'transfer dave@contoso.com reason: lost answer');
    // The emulator applies the change, then the connection dies before the answer arrives.
    h.emulator.control.injectFault({ method: 'PATCH', pathPattern: PATCH_SOA, kind: 'apply-then-reset', times: 1 });
    const applyThenReset = h.emulator.control.getUser('dave@contoso.com')!;
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    const outcome = await waitForText(h, new RegExp(`Transfer ${posted.requestId}: (failed|completed)`));
    expect(outcome).toMatch(/completed/);
    expect((await h.app.deps.requests.get(posted.requestId))!.targets[0].execution.outcome).toBe('done');
    expect(soaPatches(h, applyThenReset.id)).toHaveLength(1);
  });

  it('one user fails while another succeeds: completed with failures, each reported', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com dave@contoso.com reason: mixed');
    h.emulator.control.injectFault({
      method: 'PATCH',
      pathPattern: `^/users/${DEMO_IDS.users.dave}/onPremisesSyncBehavior$`,
      status: 403,
      graphCode: 'Authorization_RequestDenied',
      times: -1,
    });
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    const outcome = await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed with failures`));
    expect(outcome).toMatch(/1 done, 1 failed/);
    const request = (await h.app.deps.requests.get(posted.requestId))!;
    expect(request.targets.map((t) => [t.preflight.upn, t.execution.outcome])).toEqual([
      ['alice@contoso.com', 'done'],
      ['dave@contoso.com', 'failed'],
    ]);
  });

  it('a user that changed after approval is re-read and not patched blindly', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: changed');
    h.emulator.control.setUser({ userPrincipalName: 'alice@contoso.com', isCloudManaged: true, onPremisesSyncEnabled: null });
    h.emulator.control.clearCalls();
    await click(h, PEOPLE.adam, VERBS.approve, posted);
    const outcome = await waitForText(h, new RegExp(`Transfer ${posted.requestId}: completed`));
    expect(outcome).toMatch(/1 already done/);
    expect(soaPatches(h)).toHaveLength(0);
  });
});
