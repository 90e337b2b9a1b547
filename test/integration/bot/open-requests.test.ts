import { requestTransfer } from '../../../src/app/request-transfer';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { aPreflightResult, aTarget, aRequest } from '../../support/builders';
import { messageActivity } from '../../support/teams-activities';
import { CHANNEL } from './flow-helpers';

/**
 * "Already part of another open request" and the duplicate check look at every open request, not the
 * oldest thousand: with 1,000 older requests still open, a user in the 1,001st is not taken again.
 */
describe('open requests beyond the first thousand', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.stop());

  it('a user already in an open request is refused however many other requests are open', async () => {
    const now = h.clock.now().getTime();
    for (let i = 0; i < 1000; i++) {
      const id = `SOA-OLD${String(i).padStart(4, '0')}`;
      const created = new Date(now - 3_600_000 + i).toISOString();
      await h.app.deps.requests.create(
        aRequest({
          id,
          status: 'pending',
          createdAt: created,
          expiresAt: new Date(now + 3_600_000).toISOString(),
          targets: [aTarget({ preflight: aPreflightResult({ upn: `old${i}@contoso.com`, userId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }) })],
        }),
        { requestId: id, at: created, type: 'request.created', data: {} },
      );
    }
    const actor = { aadObjectId: PEOPLE.rita.aadObjectId, name: PEOPLE.rita.name, mri: PEOPLE.rita.mri };
    const origin = { conversationKey: CHANNEL.id, kind: 'channel' as const };
    // The bot learns the approvals channel when someone writes there.
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
    const first = await requestTransfer(h.app.deps, { actor, upns: ['carol@contoso.com'], justification: 'first', origin });
    expect(first.ok).toBe(true);

    // The same words again a moment later: the same request (duplicate), not a second one.
    const again = await requestTransfer(h.app.deps, { actor, upns: ['carol@contoso.com'], justification: 'first', origin });
    expect(again).toMatchObject({ ok: true, value: { duplicate: true, request: { id: first.ok ? first.value.request.id : '' } } });
    expect(again.text).toMatch(/This is the same as request/);

    // Other words: a new request, but carol is already part of the open one.
    const second = await requestTransfer(h.app.deps, { actor, upns: ['carol@contoso.com'], justification: 'second', origin });
    expect(second.ok).toBe(false);
    expect(second.text).toMatch(/carol@contoso.com: Already part of another open request/);
  });
});
