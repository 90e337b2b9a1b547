import { ApiError, createApi, filterQuery } from '../../tab/src/api';
import { parseUpns } from '../../tab/src/upns';

/**
 * The tab's pure client helpers (tab/src): the list filters as a query string, the UPNs of a pasted
 * list or CSV, and the API client's token handling and error mapping (against a local fetch stand-in).
 */
describe('tab client: list filters', () => {
  it('keeps set filters only, mine as 1, and encodes values', () => {
    expect(filterQuery({})).toBe('');
    expect(filterQuery({ mine: false, state: '', kind: undefined })).toBe('');
    expect(filterQuery({ mine: true, state: 'pending', upn: 'a+b@contoso.com', limit: 50 })).toBe('?mine=1&state=pending&upn=a%2Bb%40contoso.com&limit=50');
  });
});

describe('tab client: UPNs from a paste or a CSV', () => {
  it('splits on lines, commas, semicolons and spaces, skips a header and junk, lower-cases and de-duplicates', () => {
    expect(parseUpns('upn\r\nAlice@Contoso.com\n"bob@contoso.com",x\n\nalice@contoso.com; carol@contoso.com not-a-upn @x')).toEqual([
      'alice@contoso.com',
      'bob@contoso.com',
      'carol@contoso.com',
    ]);
    expect(parseUpns('')).toEqual([]);
  });
});

describe('tab client: API calls', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  it('asks Teams for a token on every call and sends it only as a Bearer header, never in the URL', async () => {
    const seen: { url: string; auth: string | null }[] = [];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, auth: new Headers(init.headers).get('authorization') });
      return new Response(JSON.stringify({ id: 'x', name: 'X', roles: [] }), { status: 200 });
    }) as typeof fetch;
    let n = 0;
    const api = createApi(async () => `token-${++n}`);
    await api.me();
    await api.list({ mine: true });
    expect(seen).toEqual([
      { url: '/api/tab/me', auth: 'Bearer token-1' },
      { url: '/api/tab/requests?mine=1', auth: 'Bearer token-2' },
    ]);
  });

  it("turns the server's {error, message} into an ApiError with that sentence, and a bare 404 into a generic one", async () => {
    globalThis.fetch = (async (url: string) =>
      url.endsWith('/decision')
        ? new Response(JSON.stringify({ error: 'REQUEST.STALE_CARD', message: 'This request changed.' }), { status: 409 })
        : new Response('nope', { status: 404 })) as typeof fetch;
    const api = createApi(async () => 't');
    await expect(api.decide('SOA-1', 'approve', 3, '')).rejects.toEqual(new ApiError(409, 'REQUEST.STALE_CARD', 'This request changed.'));
    const missing = await api.progress().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect(missing).toMatchObject({ status: 404, code: 'HTTP_404' });
  });

  it('sends a decision as {decision, version, comment} with an empty comment as null', async () => {
    const bodies: unknown[] = [];
    globalThis.fetch = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(String(init.body)));
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const api = createApi(async () => 't');
    await api.decide('SOA-1', 'reject', 4, '');
    await api.decide('SOA-1', 'approve', 5, 'ok');
    expect(bodies).toEqual([
      { decision: 'reject', version: 4, comment: null },
      { decision: 'approve', version: 5, comment: 'ok' },
    ]);
  });
});
