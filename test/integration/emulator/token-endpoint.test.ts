import { startGraphEmulator, RunningEmulator, DEFAULT_GRANTED_ROLES } from '../../../emulator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateInfo, decodeJwt, signRs256 } from '../../../emulator/auth/jwt';
import { CERTS_DIR, certificateCredential, secretCredential } from './emulator-harness';

// The fake Entra token endpoint, driven by the real @azure/identity (MSAL node underneath).
describe('fake Entra token endpoint with @azure/identity', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startGraphEmulator();
  });
  afterAll(() => emu.close());

  const scope = 'https://graph.microsoft.com/.default';

  it('issues a Graph access token for the client secret', async () => {
    const token = await secretCredential(emu).getToken(scope);
    expect(token?.token).toBeTruthy();
    const claims = decodeJwt(token.token)?.payload ?? {};
    expect(claims).toMatchObject({ aud: 'https://graph.microsoft.com', tid: emu.tenantId, appid: emu.clientId, roles: [...DEFAULT_GRANTED_ROLES] });
    expect(Number(claims.exp) * 1000).toBeGreaterThan(Date.now());
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it('issues a token for a certificate credential (client assertion verified against the committed cert)', async () => {
    const token = await certificateCredential(emu).getToken(scope);
    expect(decodeJwt(token.token)?.payload.appid).toBe(emu.clientId);
  });
});

describe('token endpoint failures', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    // Register a different certificate, so the committed client certificate is unknown to this app.
    emu = await startGraphEmulator({ clientCertificates: [readFileSync(join(CERTS_DIR, 'server.pem'))] });
  });
  afterAll(() => emu.close());
  const scope = 'https://graph.microsoft.com/.default';
  const tokenUrl = () => `${emu.authorityHost}/${emu.tenantId}/oauth2/v2.0/token`;

  it('a wrong secret fails with invalid_client / AADSTS7000215', async () => {
    const err = await secretCredential(emu, 'wrong-secret')
      .getToken(scope)
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err?.message).toContain('invalid_client');
    expect(err?.message).toContain('AADSTS7000215');
    const raw = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: emu.clientId, client_secret: 'wrong', scope }),
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('an unregistered certificate fails with invalid_client / AADSTS700027', async () => {
    const err = await certificateCredential(emu)
      .getToken(scope)
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err?.message).toContain('AADSTS700027');
  });

  it('a client assertion with a forged signature is refused', async () => {
    const good = signRs256(
      { aud: tokenUrl(), iss: emu.clientId, sub: emu.clientId, exp: Math.floor(Date.now() / 1000) + 600, jti: 'x' },
      readFileSync(join(CERTS_DIR, 'server-key.pem')),
      { x5t: certificateInfo(readFileSync(join(CERTS_DIR, 'server.pem'))).x5t },
    );
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${Buffer.from('not the signature').toString('base64url')}`;
    const post = (assertion: string) =>
      fetch(tokenUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: emu.clientId,
          scope,
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
    expect((await post(good)).status).toBe(200);
    const bad = await post(forged);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client', error_codes: [700027] });
  });

  it('Graph routes need a valid bearer token from this issuer', async () => {
    const noToken = await fetch(`${emu.baseUrl}/v1.0/domains`);
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', innerError: { 'request-id': noToken.headers.get('request-id') } },
    });
    const forged = signRs256(
      { aud: 'https://graph.microsoft.com', tid: emu.tenantId, appid: 'x', roles: [], exp: 9999999999 },
      readFileSync(join(CERTS_DIR, 'client-key.pem')),
    );
    const wrongKey = await fetch(`${emu.baseUrl}/v1.0/domains`, { headers: { authorization: `Bearer ${forged}` } });
    expect(wrongKey.status).toBe(401);
  });
});
