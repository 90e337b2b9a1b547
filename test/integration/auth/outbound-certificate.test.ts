import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { messageActivity } from '../../support/teams-activities';

const CERTS = path.join(__dirname, '../../certs');

/** BOT_CERTIFICATE_*: the outbound token is obtained with a client assertion instead of BOT_PASSWORD. */
describe('outbound token with a bot certificate (local Entra)', () => {
  let h: BotHarness;
  const thumbprint = new X509Certificate(fs.readFileSync(path.join(CERTS, 'client-cert.pem'))).fingerprint.replace(/:/g, '');

  afterEach(() => h?.stop());

  it('replies with a token the emulator issued against the certificate', async () => {
    h = await startBotHarness({
      botAuth: true,
      env: { BOT_PASSWORD: '', BOT_CERTIFICATE_THUMBPRINT: thumbprint, BOT_CERTIFICATE_PRIVATE_KEY_PATH: path.join(CERTS, 'client-key.pem') },
    });
    const conversation = { kind: 'personal' as const, id: 'a:cert-chat' };
    expect((await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'help', conversation }))).status).toBe(200);
    const reply = await h.connector.waitFor(() => h.connector.posts(conversation.id)[0]);
    expect(String(reply.headers.authorization)).toMatch(/^Bearer ey/);
    const tokenCalls = h.emulator.control.calls().filter((c) => /oauth2\/v2\.0\/token$/.test(c.path));
    expect(tokenCalls.map((c) => c.status)).toContain(200);
  });

  it('gets no token with a certificate the app registration does not know', async () => {
    h = await startBotHarness({
      botAuth: true,
      // The emulator's server key is not a registered client certificate of the app.
      env: { BOT_PASSWORD: '', BOT_CERTIFICATE_THUMBPRINT: thumbprint, BOT_CERTIFICATE_PRIVATE_KEY_PATH: path.join(CERTS, 'server-key.pem') },
    });
    const conversation = { kind: 'personal' as const, id: 'a:cert-chat-bad' };
    const connectorBefore = h.connector.requestCount;
    // The reply (and the apology after it fails) is sent within the turn, which ends before the HTTP
    // response: once `send` resolves every token request and connector call has been made.
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.rita, text: 'help', conversation }));
    expect(h.connector.requestCount).toBe(connectorBefore);
    expect(h.connector.posts(conversation.id)).toEqual([]);
    expect(
      h.emulator.control
        .calls()
        .filter((c) => /oauth2\/v2\.0\/token$/.test(c.path))
        .map((c) => c.status),
    ).toContain(401);
  });
});
