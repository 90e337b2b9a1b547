import { createHmac, generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { signRs256 } from '../../../emulator/auth/jwt';
import { EntraUserTokenVerifier } from '../../../src/adapters/entra/entra-user-token-verifier';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { OTHER_TENANT, TAB_APP_ID, TAB_APP_ID_URI, tabCall, tabEnv, userToken } from '../../support/tab-client';

/**
 * SSO token validation of the tab API: the real EntraUserTokenVerifier (jose) against the local Entra
 * stand-in's JWKS, through the bot's real HTTP server. Every refusal is a bare 401.
 */
const RITA = PEOPLE.rita.aadObjectId;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => token.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) : p));
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silentLogger } as any;

describe('tab API: SSO token validation', () => {
  let h: BotHarness;
  let issued: string[];
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv() });
    issued = [];
  });
  afterAll(() => h.stop());

  const me = async (token: string | null, authorization?: string) => {
    if (token) issued.push(token);
    return tabCall(h, '/api/tab/me', { token, authorization });
  };
  const expectRefused = async (token: string | null, authorization?: string) => {
    const response = await me(token, authorization);
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'unauthorized' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  };

  it('accepts a v2 token (audience = the tab app id): the person is the oid, roles from the bot settings', async () => {
    const response = await me(userToken(h, RITA, { version: 2, name: 'Rita R' }));
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ id: RITA, name: 'Rita R', roles: ['requester'] });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('accepts a v1 token (issuer sts.windows.net, audience = the Application ID URI)', async () => {
    const token = userToken(h, PEOPLE.adam.aadObjectId, { version: 1, audience: TAB_APP_ID_URI });
    expect(parts(token)[1].iss).toBe(`https://sts.windows.net/${h.emulator.tenantId}/`);
    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.json.roles).toEqual(['approver', 'rollback-approver']);
  });

  it('refuses a missing, non-Bearer or malformed Authorization header, and a token in the URL', async () => {
    await expectRefused(null);
    await expectRefused(null, `Basic ${Buffer.from('a:b').toString('base64')}`);
    await expectRefused(null, 'Bearer not.a.jwt');
    await expectRefused(null, 'Bearer ');
    const response = await tabCall(h, `/api/tab/me?access_token=${userToken(h, RITA)}`);
    expect(response.status).toBe(401);
  });

  it('refuses a forged signature (same kid, another key) and a token whose payload was changed', async () => {
    const good = userToken(h, RITA);
    const [header, payload] = parts(good);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(signRs256(payload, privateKey, { kid: header.kid, x5t: header.x5t }));
    const [h64, , sig] = good.split('.');
    await expectRefused(`${h64}.${b64({ ...payload, oid: PEOPLE.ben.aadObjectId })}.${sig}`);
  });

  it('refuses an unknown kid (a key the tenant JWKS does not publish)', async () => {
    const [, payload] = parts(userToken(h, RITA));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(signRs256(payload, privateKey, { kid: 'not-a-published-key' }));
  });

  it('refuses a wrong audience (another app, Graph, the bot)', async () => {
    await expectRefused(userToken(h, RITA, { audience: '00000000-0000-4000-8000-000000000001' }));
    await expectRefused(userToken(h, RITA, { audience: 'https://graph.microsoft.com' }));
    await expectRefused(userToken(h, RITA, { audience: `api://localhost/botid-${TAB_APP_ID}` }));
  });

  it('refuses a wrong issuer and another tenant (issuer, or the tid claim alone)', async () => {
    await expectRefused(userToken(h, RITA, { issuer: `https://login.microsoftonline.com/${h.emulator.tenantId}/v2.0` }));
    await expectRefused(userToken(h, RITA, { issuer: 'https://evil.example/v2.0' }));
    await expectRefused(userToken(h, RITA, { tenantId: OTHER_TENANT }));
    await expectRefused(userToken(h, RITA, { tenantId: OTHER_TENANT, version: 1 }));
    await expectRefused(userToken(h, RITA, { extraClaims: { tid: OTHER_TENANT } }));
  });

  it('refuses an expired and a not-yet-valid token (beyond the small skew), accepts one within it', async () => {
    await expectRefused(userToken(h, RITA, { lifetimeSeconds: -600 }));
    await expectRefused(userToken(h, RITA, { notBeforeSeconds: 900 }));
    expect((await me(userToken(h, RITA, { notBeforeSeconds: 30 }))).status).toBe(200);
  });

  it('refuses an app-only token (no scp, idtyp=app, roles) and a delegated token without access_as_user', async () => {
    await expectRefused(userToken(h, RITA, { scp: null, extraClaims: { idtyp: 'app', roles: ['Tab.Read'] } }));
    await expectRefused(userToken(h, RITA, { scp: null }));
    await expectRefused(userToken(h, RITA, { scp: 'User.Read openid' }));
    await expectRefused(userToken(h, RITA, { scp: 'access_as_user', extraClaims: { idtyp: 'app' } }));
    expect((await me(userToken(h, RITA, { scp: 'User.Read access_as_user' }))).status).toBe(200);
  });

  it('refuses alg none and HS256 (signed with the public key as an HMAC secret)', async () => {
    const [header, payload] = parts(userToken(h, RITA));
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`);
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${b64(payload)}.`);
    const jwks = (await (await fetch(`${h.emulator.authorityHost}/${h.emulator.tenantId}/discovery/v2.0/keys`)).json()) as {
      keys: { kid: string; n: string }[];
    };
    for (const secret of [jwks.keys[0].n, JSON.stringify(jwks.keys[0])]) {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: header.kid })}.${b64(payload)}`;
      await expectRefused(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
    }
  });

  it('refuses a token whose oid is not an object id', async () => {
    await expectRefused(userToken(h, 'not-a-guid'));
  });

  it("the stand-in mints a token for a demo person over /_control/user-token (for the playground's tab host page)", async () => {
    const minted = await fetch(`${h.emulator.baseUrl}/_control/user-token`, {
      method: 'POST',
      body: JSON.stringify({ user: 'rita', audience: TAB_APP_ID, version: 1 }),
    });
    const { token, oid, upn } = (await minted.json()) as { token: string; oid: string; upn: string };
    expect([oid, upn]).toEqual([RITA, 'rita@contoso.com']);
    issued.push(token);
    expect((await me(token)).json).toEqual({ id: RITA, name: 'Rita Requester', roles: ['requester'] });
    const unknown = await fetch(`${h.emulator.baseUrl}/_control/user-token`, {
      method: 'POST',
      body: JSON.stringify({ user: 'mallory', audience: TAB_APP_ID }),
    });
    expect(unknown.status).toBe(404);
  });

  it('reads a decision body only as capped, uncompressed JSON; a GET with a body is refused', async () => {
    const token = userToken(h, PEOPLE.adam.aadObjectId);
    const base = h.messagesUrl.replace(/\/api\/messages$/, '');
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${base}/api/tab/requests/R-NOPE/decision`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body });
    expect((await post({ 'content-type': 'text/plain' }, '{}')).status).toBe(415);
    expect((await post({ 'content-type': 'application/json' }, `{"comment":"${'x'.repeat(20_000)}"}`)).status).toBe(413);
    expect((await post({ 'content-type': 'application/json', 'content-encoding': 'gzip' }, '{}')).status).toBe(415);
    expect((await post({ 'content-type': 'application/json' }, '{not json')).status).toBe(400);
    // Unknown request: the neutral 404, whatever the body.
    expect((await post({ 'content-type': 'application/json' }, '{"decision":"approve","version":1}')).status).toBe(404);
    // A GET with a body is refused unread (node's http client can send one; fetch cannot).
    const getWithBody = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/api/tab/me`,
        { method: 'GET', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': '2' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(getWithBody).toBe(413);
    // Unauthenticated calls get 401 before any body is read.
    expect(
      (await fetch(`${base}/api/tab/requests/R-NOPE/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
    ).toBe(401);
  });

  it('never logs a token', () => {
    expect(issued.length).toBeGreaterThan(10);
    const log = h.logs.join('\n');
    // Each signature (the secret-looking part; alg none tokens have none) and each payload.
    for (const token of issued) for (const part of token.split('.').slice(1)) if (part.length > 20) expect(log).not.toContain(part);
    expect(log).toMatch(/tab token refused/);
  });
});

describe('tab API: signing key rotation (the verifier against the stand-in directly)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv() });
  });
  afterAll(() => h.stop());

  const verifier = (cooldownMs: number) =>
    new EntraUserTokenVerifier({
      tenantId: h.emulator.tenantId,
      appId: TAB_APP_ID,
      appIdUri: null,
      authorityHost: h.emulator.authorityHost,
      jwksCooldownMs: cooldownMs,
      logger: silentLogger,
    });

  it('fetches the keys again when a token names a kid it has not seen (a new key), at most once per cooldown', async () => {
    const eager = verifier(0);
    const patient = verifier(60_000);
    expect(await eager.verify(userToken(h, RITA))).toMatchObject({ oid: RITA, tenantId: h.emulator.tenantId });
    expect(await patient.verify(userToken(h, RITA))).toMatchObject({ oid: RITA });
    const kid = h.emulator.userTokens.addSigningKey();
    const rotated = userToken(h, RITA, { kid });
    // Keys fetched just now: within the cooldown an unknown kid is refused without another download...
    expect(await patient.verify(rotated)).toBeNull();
    // ...after it, the new key is fetched and the token accepted; the old key keeps working.
    expect(await eager.verify(rotated)).toMatchObject({ oid: RITA });
    expect(await eager.verify(userToken(h, RITA))).toMatchObject({ oid: RITA });
  });

  it('is refused (not thrown) when the keys cannot be fetched', async () => {
    const unreachable = new EntraUserTokenVerifier({
      tenantId: h.emulator.tenantId,
      appId: TAB_APP_ID,
      appIdUri: null,
      authorityHost: 'https://127.0.0.1:9',
      logger: silentLogger,
    });
    expect(await unreachable.verify(userToken(h, RITA))).toBeNull();
  });
});

describe('tab API: off without TAB_APP_ID', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness();
  });
  afterAll(() => h.stop());

  it('serves nothing under /api/tab/ and takes no body there', async () => {
    expect((await tabCall(h, '/api/tab/me', { token: userToken(h, RITA) })).status).toBe(404);
    expect((await tabCall(h, '/api/tab/requests/R-1/decision', { token: userToken(h, RITA), body: { decision: 'approve', version: 1 } })).status).toBe(413);
  });
});

describe('tab API: per-person rate limit', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({ env: tabEnv({ TAB_RATE_LIMIT_PER_MINUTE: '3' }) });
  });
  afterAll(() => h.stop());

  it('answers 429 with Retry-After past the limit, per person', async () => {
    const rita = userToken(h, RITA);
    for (let i = 0; i < 3; i++) expect((await tabCall(h, '/api/tab/me', { token: rita })).status).toBe(200);
    const limited = await tabCall(h, '/api/tab/me', { token: rita });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect((await tabCall(h, '/api/tab/me', { token: userToken(h, PEOPLE.adam.aadObjectId) })).status).toBe(200);
  });
});
