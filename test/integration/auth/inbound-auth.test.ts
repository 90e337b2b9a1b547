import { createPublicKey, createVerify } from 'node:crypto';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { IssuerKey } from '../../support/bot-token-issuer';
import { CHANNEL, ConversationSpec, cardActionInvoke, messageActivity } from '../../support/teams-activities';
import { requestInChannel } from '../bot/flow-helpers';

/**
 * Bot Framework authentication on, against a local Bot Connector token issuer (inbound) and the
 * emulator's Entra (outbound): botbuilder's real validation, no mocks.
 */
describe('inbound channel: Bot Framework token on /api/messages', () => {
  let h: BotHarness;
  let caseNo = 0;
  beforeAll(async () => {
    // botbuilder prints refused tokens with console.error; the bot logs the reason itself.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    h = await startBotHarness({ botAuth: true, env: { MAX_BODY_BYTES: '16384' } });
  });
  afterAll(async () => {
    await h?.stop();
    jest.restoreAllMocks();
  });

  const botAppId = () => h.emulator.clientId;

  /** A conversation no other case uses, so "nothing stored for it" is meaningful. */
  function freshConversation(): ConversationSpec {
    return { kind: 'personal', id: `a:auth-case-${++caseNo}` };
  }

  function token(
    overrides: {
      audience?: string;
      serviceUrl?: string;
      issuer?: string;
      key?: IssuerKey;
      kid?: string;
      expiresInSeconds?: number;
      claims?: Record<string, unknown>;
    } = {},
  ) {
    return h.botTokens!.token({ audience: botAppId(), serviceUrl: h.connector.url, ...overrides });
  }

  /** Sends a command that would reply, store the conversation and call Graph; proves none of it happened. */
  async function expectRefused(authorization: string | null, activityOverrides: Record<string, unknown> = {}) {
    const conversation = freshConversation();
    const connectorBefore = h.connector.requestCount;
    const graphBefore = h.emulator.control.calls().length;
    const logsBefore = h.logs.length;
    const activity = {
      ...messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'status alice@contoso.com', conversation }),
      ...activityOverrides,
    };
    const response = await h.send(activity, { authorization });
    expect(response.status).toBe(401);
    // A 401 is answered before any handler runs (bot-request-handler.ts): nothing is left running to wait for.
    expect(await h.app.deps.conversations.get(conversation.id)).toBeNull();
    expect(h.connector.requestCount).toBe(connectorBefore);
    expect(h.emulator.control.calls().length).toBe(graphBefore);
    const refusal = h.logs.slice(logsBefore).find((line) => line.includes('refused: 401'));
    expect(refusal).toBeDefined();
    return JSON.parse(refusal!).reason as string;
  }

  it('accepts a valid channel token end to end; the reply carries a token from the local Entra', async () => {
    const conversation = freshConversation();
    const response = await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'help', conversation }));
    expect(response.status).toBe(200);
    const reply = await h.connector.waitFor(() => h.connector.posts(conversation.id).find((p) => /transfer/i.test(p.activity.text ?? '')));
    expect(await h.app.deps.conversations.get(conversation.id)).not.toBeNull();

    const bearer = /^Bearer (.+)$/.exec(String(reply.headers.authorization ?? ''))?.[1];
    expect(bearer).toBeDefined();
    const claims = await verifyWithEmulatorKeys(bearer!);
    expect(claims).toMatchObject({ appid: botAppId(), tid: h.emulator.tenantId, iss: `https://sts.windows.net/${h.emulator.tenantId}/` });
  });

  it('authenticates proactive posts (the approval card) the same way', async () => {
    const posted = await requestInChannel(h, 'transfer alice@contoso.com reason: CHG-AUTH-1');
    const post = h.connector.posts(CHANNEL.id).find((p) => p.activityId === posted.activityId)!;
    const bearer = /^Bearer (.+)$/.exec(String(post.headers.authorization ?? ''))?.[1];
    expect(await verifyWithEmulatorKeys(bearer!)).toMatchObject({ appid: botAppId() });
  });

  it('returns the invoke response body of a card action after authentication', async () => {
    const response = await h.send(
      cardActionInvoke({ serviceUrl: h.connector.url, from: PEOPLE.adam, verb: 'soa.nonsense', data: { x: 1 }, replyToId: 'act-0', conversation: CHANNEL }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
  });

  it('401 without an Authorization header', async () => {
    expect(await expectRefused(null)).toMatch(/no Bearer token/);
  });

  it('401 for another scheme or an empty bearer', async () => {
    await expectRefused(`Basic ${Buffer.from('a:b').toString('base64')}`);
    await expectRefused('Bearer ');
    await expectRefused(`bearer ${token()}`);
  });

  it('401 for a forged signature claiming the trusted key id (CloudAdapter.process would answer 500)', async () => {
    const forged = token({ key: 'unpublished', kid: h.botTokens!.kids.trusted });
    expect(await expectRefused(`Bearer ${forged}`)).toMatch(/invalid signature/);
  });

  it('401 for a token signed by a key the issuer never published', async () => {
    expect(await expectRefused(`Bearer ${token({ key: 'unpublished' })}`)).toMatch(/Signing Key could not be retrieved/);
  });

  it('401 for a tampered payload', async () => {
    const [header, , signature] = token().split('.');
    const payload = Buffer.from(
      JSON.stringify({ serviceurl: h.connector.url, iss: h.botTokens!.issuer, aud: botAppId(), exp: Math.floor(Date.now() / 1000) + 3600, nbf: 0 }),
    ).toString('base64url');
    await expectRefused(`Bearer ${header}.${payload}.${signature}`);
  });

  it('401 for another audience', async () => {
    expect(await expectRefused(`Bearer ${token({ audience: '00000000-0000-0000-0000-00000000beef' })}`)).toMatch(/Invalid AppId/);
  });

  it('401 for another issuer', async () => {
    expect(await expectRefused(`Bearer ${token({ issuer: 'https://api.botframework.com' })}`)).toMatch(/No valid identity/);
  });

  it('401 for an expired token (beyond the 5 minute clock tolerance)', async () => {
    expect(await expectRefused(`Bearer ${token({ expiresInSeconds: -600 })}`)).toMatch(/expired/);
  });

  it("401 when the serviceurl claim is not the activity's serviceUrl", async () => {
    expect(await expectRefused(`Bearer ${token({ serviceUrl: 'https://smba.trafficmanager.net/evil/' })}`)).toMatch(/ServiceUrl claim/);
  });

  it('401 for a key that is not endorsed for msteams', async () => {
    expect(await expectRefused(`Bearer ${token({ key: 'webchat' })}`)).toMatch(/endorsement/);
  });

  it('401 for an activity that does not come from the msteams channel, even with a valid token', async () => {
    expect(await expectRefused(`Bearer ${token()}`, { channelId: 'webchat' })).toMatch(/not from the msteams channel/);
  });

  it('401 for a Bot Framework Emulator-shaped token, which botbuilder alone would accept', async () => {
    const emulatorToken = token({
      issuer: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/',
      claims: { appid: botAppId(), ver: '1.0' },
    });
    expect(await expectRefused(`Bearer ${emulatorToken}`)).toMatch(/not issued by the Bot Connector/);
  });

  it('401 for a card action with a bad token: no invoke body, no card change', async () => {
    const connectorBefore = h.connector.requestCount;
    const response = await h.send(
      cardActionInvoke({
        serviceUrl: h.connector.url,
        from: PEOPLE.adam,
        verb: 'soa.approve',
        data: { requestId: 'SOA-X', version: 1 },
        replyToId: 'act-0',
        conversation: CHANNEL,
      }),
      { authorization: `Bearer ${token({ audience: 'someone-else' })}` },
    );
    expect(response.status).toBe(401);
    expect(response.body).toBeNull();
    expect(h.connector.requestCount).toBe(connectorBefore);
  });

  it('413 for a body over MAX_BODY_BYTES, before anything runs', async () => {
    const conversation = freshConversation();
    const connectorBefore = h.connector.requestCount;
    const response = await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: `help ${'x'.repeat(20_000)}`, conversation }));
    expect(response.status).toBe(413);
    // A 413 is answered before the bot handler runs (read-json-body.ts): nothing is left running to wait for.
    expect(await h.app.deps.conversations.get(conversation.id)).toBeNull();
    expect(h.connector.requestCount).toBe(connectorBefore);
  });

  it('never logs a token', () => {
    const logText = h.logs.join('\n');
    expect(logText).toContain('refused: 401');
    expect(logText).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
    expect(logText).not.toContain(h.emulator.clientSecret);
  });

  /** The outbound token: signed by the emulator's Entra key (its published JWKS), not expired. */
  async function verifyWithEmulatorKeys(jwt: string): Promise<Record<string, unknown>> {
    const [header, payload, signature] = jwt.split('.');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString());
    const jwks = (await (await fetch(`${h.emulator.authorityHost}/${h.emulator.tenantId}/discovery/v2.0/keys`)).json()) as { keys: { kid: string }[] };
    const jwk = jwks.keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(createPublicKey({ key: jwk as any, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    expect(valid).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    return claims;
  }
});
