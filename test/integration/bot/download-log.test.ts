import { BotHarness, startBotHarness } from '../../support/bot-harness';
import { requestInChannel } from './flow-helpers';

/** GET /files/{token}: every attempt is logged with its HTTP request id and outcome, never with the token. */
describe('signed download links: the log', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await startBotHarness({
      env: { PUBLIC_BASE_URL: 'https://soabot.example.test', FILE_LINK_SECRET: 'download-log-test-secret-of-32-bytes-or-more', FILE_LINK_TTL: '1m' },
    });
  });
  afterAll(() => h?.stop());

  const get = async (link: string) => {
    const response = await fetch(link.replace('https://soabot.example.test', h.messagesUrl.replace('/api/messages', '')));
    await response.arrayBuffer();
    return response.status;
  };
  const downloadLines = () => h.logs.filter((l) => /file download (served|refused)/.test(l)).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('logs each download, served or refused, with its request id and never the token', async () => {
    const posted = await requestInChannel(h, 'transfer carol@contoso.com reason: download log');
    const link = h.app.deps.fileLinks.url(posted.requestId, 'preflight')!;
    const token = link.split('/files/')[1];
    const [payload, signature] = token.split('.');
    const logsBefore = h.logs.length;

    expect(await get(link)).toBe(200);
    expect(
      await get(
        link.replace(
          signature,
          signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        ),
      ),
    ).toBe(403);
    h.clock.advance(2 * 60_000);
    expect(await get(link)).toBe(410);

    const lines = downloadLines();
    expect(lines.map((l) => [l.msg, l.status])).toEqual([
      ['file download served', 200],
      ['file download refused', 403],
      ['file download refused', 410],
    ]);
    for (const line of lines) expect(line.httpRequestId).toEqual(expect.any(String));
    expect(new Set(lines.map((l) => l.httpRequestId)).size).toBe(3);
    // The served table names the bot request it belongs to.
    expect(h.logs.some((l) => l.includes('table downloaded') && l.includes(posted.requestId))).toBe(true);
    const newLogs = h.logs.slice(logsBefore).join('\n');
    expect(newLogs).not.toContain(signature);
    expect(newLogs).not.toContain(payload);
  });
});
