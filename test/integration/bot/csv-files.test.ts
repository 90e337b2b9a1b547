import { syncedUsers } from '../../../emulator/seeds/builders';
import { demoTenant } from '../../../emulator/seeds/demo-tenant';
import { BotHarness, PEOPLE, startBotHarness } from '../../support/bot-harness';
import { cardText } from '../../support/card-text';
import { DownloadServer } from '../../support/download-server';
import { CHANNEL, GROUP_CHAT, PERSONAL, TestPerson, messageActivity } from '../../support/teams-activities';
import { waitForText } from './flow-helpers';

/**
 * CSV files sent to the bot: Teams hands a bot files only in a personal
 * chat, as a short-lived SharePoint download URL. The bot downloads nothing for someone who may not
 * request, nothing outside a personal chat, and only over https from allowed hosts, within a byte
 * cap, a line cap and a time limit. The download server here is a local HTTPS stand-in for SharePoint.
 */
const APPROVALS = CHANNEL.channelId!;
const USERS = syncedUsers(5, 'contoso.com', { start: 700 });

describe('CSV files sent to the bot', () => {
  let h: BotHarness;
  let files: DownloadServer;
  beforeAll(async () => {
    files = new DownloadServer();
    await files.start();
    h = await startBotHarness({ env: { APPROVAL_CHANNEL_ID: APPROVALS, FILE_DOWNLOAD_HOSTS: '127.0.0.1', FILE_DOWNLOAD_TIMEOUT: '1s' } });
    const demo = demoTenant();
    h.emulator.control.seed({ ...demo, users: [...(demo.users ?? []), ...USERS] });
    // The bot learns the approvals channel when someone addresses it there.
    await h.send(messageActivity({ serviceUrl: h.connector.url, from: PEOPLE.adam, text: 'help', conversation: CHANNEL }));
  });
  afterAll(async () => {
    await h.stop();
    await files.stop();
  });
  beforeEach(() => {
    files.hits.length = 0;
  });

  const sendFile = (from: TestPerson, downloadUrl: string, options: { text?: string; conversation?: typeof CHANNEL; name?: string } = {}) =>
    h.send({
      ...messageActivity({ serviceUrl: h.connector.url, from, text: options.text ?? '', conversation: options.conversation ?? PERSONAL(from) }),
      attachments: [
        {
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          name: options.name ?? 'users.csv',
          content: { downloadUrl, uniqueId: 'x', fileType: 'csv' },
        },
      ],
    });
  const replyTo = (person: TestPerson, pattern: RegExp) => waitForText(h, pattern, PERSONAL(person).id);
  const csvOf = (users: typeof USERS) => `userPrincipalName,comment\n${users.map((u) => `${u.userPrincipalName},x`).join('\n')}\n`;

  it('takes a CSV of UPNs in a personal chat and sends the request to the approvals channel', async () => {
    const url = files.serve('wave.csv', csvOf(USERS));
    await sendFile(PEOPLE.rita, url, { text: 'reason: from the HR export', name: 'wave.csv' });
    const card = await h.connector.waitFor(() =>
      h.connector
        .posts(APPROVALS)
        .map((p) => p.activity.attachments?.[0]?.content)
        .find((c) => c && /file "wave.csv", 5 users/.test(cardText(c))),
    );
    expect(cardText(card)).toMatch(/from the HR export/);
    // The reply names the request whose card went to the channel.
    const requestId = /^Request (\S+) was sent to the approvals channel/.exec(await replyTo(PEOPLE.rita, /was sent to the approvals channel/))?.[1];
    expect(requestId).toMatch(/^SOA-/);
    expect(cardText(card)).toContain(requestId!);
    expect(files.hitsOf('/files/wave.csv')).toBe(1);
  });

  it('downloads nothing for someone who may not request transfers', async () => {
    const url = files.serve('ben.csv', csvOf(USERS));
    await sendFile(PEOPLE.ben, url);
    expect(await replyTo(PEOPLE.ben, /not allowed to request/)).toMatch(/Ask your identity team to add you to the requesters group/);
    expect(files.hits).toEqual([]);
  });

  it('downloads nothing sent in a channel or a group chat, and says to use a personal chat', async () => {
    const url = files.serve('channel.csv', csvOf(USERS));
    await sendFile(PEOPLE.rita, url, { conversation: CHANNEL });
    expect(await waitForText(h, /only in a personal chat/, CHANNEL.id)).toMatch(/Nothing was downloaded/);
    await sendFile(PEOPLE.rita, url, { conversation: GROUP_CHAT });
    expect(await waitForText(h, /only in a personal chat/, GROUP_CHAT.id)).toMatch(/Nothing was downloaded/);
    expect(files.hits).toEqual([]);
  });

  it('refuses a URL that is not https on an allowed host, without a request', async () => {
    const url = files.serve('other.csv', csvOf(USERS));
    await sendFile(PEOPLE.rita, files.url('/files/other.csv', 'localhost'));
    expect(await replyTo(PEOPLE.rita, /not on an allowed SharePoint or OneDrive address \(localhost:\d+\)/)).toMatch(/FILE_DOWNLOAD_HOSTS/);
    await sendFile(PEOPLE.rita, url.replace('https:', 'http:'));
    await h.connector.waitFor(() => h.connector.texts(PERSONAL(PEOPLE.rita).id).filter((t) => /not on an allowed/.test(t)).length === 2);
    expect(files.hits).toEqual([]);
  });

  it('does not follow a redirect to a host that is not allowed', async () => {
    files.serve('target.csv', csvOf(USERS));
    await sendFile(PEOPLE.rita, files.url(`/redirect?to=${encodeURIComponent(files.url('/files/target.csv', 'localhost'))}`));
    expect(await replyTo(PEOPLE.rita, /sent me on to localhost:\d+, which is not an allowed download host/)).toMatch(
      /FILE_DOWNLOAD_HOSTS\)\. Nothing was read\./,
    );
    expect(files.hits).toEqual(['/redirect']);
  });

  it('stops reading a body without Content-Length once it passes the size cap', async () => {
    await sendFile(PEOPLE.rita, files.url('/endless'));
    expect(await replyTo(PEOPLE.rita, /larger than 5120 KB, so I stopped reading it/)).toMatch(/Send a smaller CSV/);
  });

  it('stops reading a file with more lines than the sender may request', async () => {
    await sendFile(PEOPLE.rita, files.url('/endless-lines'));
    expect(await replyTo(PEOPLE.rita, /more than 51 lines/)).toMatch(/so I stopped reading it\. Split it into several files/);
  });

  it('gives up on a download server that does not answer', async () => {
    const started = Date.now();
    await sendFile(PEOPLE.rita, files.url('/slow'));
    expect(await replyTo(PEOPLE.rita, /took longer than 1 s/)).toMatch(/so I gave up/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a CSV with invalid values, naming the lines', async () => {
    await sendFile(PEOPLE.rita, files.serve('bad.csv', 'upn\nok@contoso.com\nnot an upn\n'));
    expect(await replyTo(PEOPLE.rita, /could not read that file/)).toMatch(/line 3/);
  });
});
