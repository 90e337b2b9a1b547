import { describeIdentity } from '../../src/app/self-check';
import { FileLinks } from '../../src/app/bulk/file-links';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const report = (over: Partial<Parameters<typeof describeIdentity>[0]> = {}) => ({
  tokenObtained: true,
  error: null,
  credentialKind: 'certificate' as const,
  roles: [
    'User-OnPremisesSyncBehavior.ReadWrite.All',
    'Directory.Read.All',
    'AuditLog.Read.All',
    'Group-OnPremisesSyncBehavior.ReadWrite.All',
    'EntitlementManagement.Read.All',
    'RoleManagement.Read.Directory',
  ],
  certificateNotAfter: '2027-06-01T00:00:00.000Z',
  ...over,
});

describe('identity self-check wording', () => {
  it('accepts broader permissions in place of narrower ones and reports a healthy certificate', () => {
    const { ok, lines } = describeIdentity(report(), NOW);
    expect(ok).toBe(true);
    expect(lines.join('\n')).toMatch(/All needed application permissions are granted/);
    expect(lines.join('\n')).toMatch(/✅ The certificate expires on 2027-06-01 \(in 182 days\)/);
  });

  it('warns about a certificate that expires within 30 days and fails on an expired one', () => {
    expect(describeIdentity(report({ certificateNotAfter: '2026-12-10T00:00:00.000Z' }), NOW).lines.join('\n')).toMatch(
      /⚠️ The certificate expires on 2026-12-10 \(in 9 days\)/,
    );
    const expired = describeIdentity(report({ certificateNotAfter: '2026-11-01T00:00:00.000Z' }), NOW);
    expect(expired.ok).toBe(false);
    expect(expired.lines.join('\n')).toMatch(/❌ The certificate expired on 2026-11-01/);
  });

  it('says what to check when no token can be obtained', () => {
    const { ok, lines } = describeIdentity(report({ tokenObtained: false, error: 'AADSTS7000215: Invalid client secret provided', roles: [] }), NOW);
    expect(ok).toBe(false);
    expect(lines.join('\n')).toMatch(/could not get a Microsoft Graph token .*AADSTS7000215.*Check GRAPH_TENANT_ID/);
  });
});

describe('signed download links', () => {
  it('grant one table of one request until they expire, and nothing when tampered', () => {
    let now = NOW;
    const links = new FileLinks({ baseUrl: 'https://bot.example', secret: 's3cret', ttlMs: 15 * 60_000, now: () => now });
    const url = links.url('SOA-ABC123', 'results')!;
    const token = url.split('/files/')[1];
    expect(links.verify(token)).toEqual({ ok: true, requestId: 'SOA-ABC123', table: 'results' });
    const [payload, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ r: 'SOA-OTHER1', t: 'results', e: NOW.getTime() + 60_000 })).toString('base64url');
    expect(links.verify(`${forged}.${sig}`)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(new FileLinks({ baseUrl: 'https://bot.example', secret: 'other', ttlMs: 1, now: () => now }).verify(token)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(links.verify(payload)).toEqual({ ok: false, reason: 'malformed' });
    now = new Date(NOW.getTime() + 15 * 60_000 + 1);
    expect(links.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('gives no links without PUBLIC_BASE_URL', () => {
    expect(new FileLinks({ baseUrl: null, secret: null, ttlMs: 1000, now: () => NOW }).url('SOA-ABC123', 'preflight')).toBeNull();
  });
});
