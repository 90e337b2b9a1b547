import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { DEMO_IDS } from '../../../emulator/seeds/demo-tenant';
import { PLAYGROUND_IDS, PlaygroundStack, freePort, startPlaygroundStack } from '../../../scripts/playground';

/**
 * The whole stack as `npm run playground` starts it (Graph emulator, the built bot as a child process,
 * Microsoft 365 Agents Playground 0.2.28), driven through the playground's HTTP and WebSocket API as its
 * web UI would: Rita asks, Adam (another playground user) approves with the card's button, the bot
 * transfers the user in the emulated tenant and reports. Needs `npm run build` (npm test does it).
 */

jest.setTimeout(120_000);

interface StreamEvent {
  action: 'createMessage' | 'updateMessage' | 'typing' | string;
  actionConversationId: string;
  message?: { messageId: string; from?: { id: string }; text?: string; attachments?: { contentType: string; content: any }[] };
}

const BOT = PLAYGROUND_IDS.bot;
const MRI = PLAYGROUND_IDS.mri;
const CHANNEL_ID = PLAYGROUND_IDS.approvalsChannel.id;

describe('SOA Bot in Microsoft 365 Agents Playground', () => {
  let stack: PlaygroundStack;
  let workDir: string;
  let ws: WebSocket;
  const events: StreamEvent[] = [];
  const waiters = new Set<() => void>();

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'soa-playground-test-'));
    stack = await startPlaygroundStack({
      botPort: await freePort(),
      playgroundPort: await freePort(),
      workDir,
      auditDelayMs: 300,
      botEnv: { AUDIT_LOOKUP_FIRST_DELAY: '200ms', AUDIT_LOOKUP_TIMEOUT: '20s', JOB_POLL_INTERVAL: '100ms', LOG_LEVEL: 'debug' },
      startTimeoutMs: 45_000,
    });
    // Connect before anything is sent: the stream has no history (only a buffer for the next client).
    ws = new WebSocket(`${stack.playgroundUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`);
    ws.on('message', (data) => {
      try {
        events.push(JSON.parse(String(data)) as StreamEvent);
      } catch {
        return;
      }
      for (const wake of waiters) wake();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  });

  afterAll(async () => {
    ws?.close();
    await stack?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** Waits (bounded) until `pick` finds something in the bot's output stream. */
  function waitForEvent<T>(what: string, pick: (events: StreamEvent[]) => T | undefined | null, timeoutMs = 20_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = pick(events);
        if (found === undefined || found === null) return false;
        cleanup();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}.\nBot output so far:\n${summary()}\nBot log tail:\n${logTail()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      const wake = () => void check();
      waiters.add(wake);
      check();
    });
  }

  function summary(): string {
    return events
      .filter((e) => e.action !== 'typing')
      .map((e) => `  ${e.action} ${e.actionConversationId}: ${(e.message?.text ?? '').slice(0, 120).replace(/\n/g, ' ')}${e.message?.attachments?.length ? ' [card]' : ''}`)
      .join('\n');
  }

  function logTail(): string {
    try {
      return fs.readFileSync(stack.botLogPath, 'utf8').split('\n').slice(-25).join('\n');
    } catch {
      return '(no log)';
    }
  }

  async function api(method: string, urlPath: string, body?: unknown): Promise<any> {
    const response = await fetch(`${stack.playgroundUrl}${urlPath}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${urlPath}: HTTP ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** A message typed by the signed-in user (Rita); in a chat or channel it must @mention the bot to reach it. */
  function say(conversationId: string, text: string, options: { mentionBot: boolean }) {
    const mention = `<at>${BOT.name}</at>`;
    return api('POST', `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
      from: { id: MRI.rita },
      text: options.mentionBot ? `${mention} ${text}` : text,
      textFormat: 'plain',
      ...(options.mentionBot ? { mentions: [{ mentioned: { id: BOT.id }, text: mention }] } : {}),
    });
  }

  /** A click on an Action.Execute button, as `from` (another playground user). Returns the bot's invoke answer. */
  function click(from: string, conversationId: string, replyToId: string, verb: string, data: unknown) {
    // A message the bot posted at the top of a channel is a new thread: "<channel id>;messageid=<message id>".
    const threadId = conversationId.startsWith('19:') && conversationId.endsWith('@thread.tacv2') ? `${conversationId};messageid=${replyToId}` : conversationId;
    return api('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      from: { id: from },
      conversation: { id: threadId },
      replyToId,
      value: { action: { type: 'Action.Execute', verb, data } },
    });
  }

  function cardOf(event: StreamEvent): any | null {
    return event.message?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content ?? null;
  }

  /** Every Action.Execute in a card (inside ActionSets, actions, refresh). */
  function executeActions(node: unknown, found: { verb: string; data: any; title?: string }[] = []) {
    if (Array.isArray(node)) node.forEach((n) => executeActions(n, found));
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && typeof o.verb === 'string') found.push({ verb: o.verb, data: o.data, title: o.title as string | undefined });
      Object.values(o).forEach((v) => executeActions(v, found));
    }
    return found;
  }

  function requestCardFor(upn: string, conversationId?: (id: string) => boolean) {
    return waitForEvent(`the request card for ${upn}`, (all) =>
      all.find((e) => {
        const card = cardOf(e);
        return e.action === 'createMessage' && card && (!conversationId || conversationId(e.actionConversationId)) && JSON.stringify(card).includes(upn) && executeActions(card).some((a) => a.verb === 'soa.refresh');
      }),
    );
  }

  function requestIdOf(event: StreamEvent): { requestId: string; version: number } {
    const refresh = executeActions(cardOf(event)).find((a) => a.verb === 'soa.refresh')!;
    return { requestId: refresh.data.requestId, version: refresh.data.version };
  }

  it('wrote a valid playground config with the emulator tenant, Rita signed in and five other users', async () => {
    const { config } = await api('GET', '/_internal/v1/testConfig');
    expect(config.tenantId).toBe(stack.emulator.tenantId);
    expect(config.currentUser).toMatchObject({ name: 'Rita Requester', aadObjectId: DEMO_IDS.users.rita });
    expect(config.users).toHaveLength(5);
    expect(config.users.map((u: { aadObjectId: string }) => u.aadObjectId)).toEqual(expect.arrayContaining([DEMO_IDS.users.adam, DEMO_IDS.users.amy, DEMO_IDS.users.ben]));
    expect(config.teams[0].channels.map((c: { name: string }) => c.name)).toEqual(['General', 'SOA approvals']);
    expect(stack.botSettings.ALLOWED_TENANT_IDS).toBe(config.tenantId);
    expect(stack.botSettings.APPROVAL_CHANNEL_ID).toBe(CHANNEL_ID);
  });

  it('Rita asks in the approvals channel, Adam approves on the card, alice is transferred and the audit record is reported', async () => {
    const sent = await say(CHANNEL_ID, 'transfer alice@contoso.com reason: e2e', { mentionBot: true });
    const posted = await requestCardFor('alice@contoso.com');
    // A channel message starts a thread; the bot answers in it.
    if (sent.postConversationId) expect(posted.actionConversationId).toBe(sent.postConversationId);
    const conversationId = posted.actionConversationId;
    const cardMessageId = posted.message!.messageId;
    const { requestId, version } = requestIdOf(posted);
    expect(requestId).toMatch(/^SOA-[A-Z0-9]+$/);
    expect(JSON.stringify(cardOf(posted))).toMatch(/Rita Requester/);
    expect(JSON.stringify(cardOf(posted))).toMatch(/Waiting for approval/);
    expect(stack.emulator.control.getUser('alice@contoso.com')).toMatchObject({ onPremisesSyncEnabled: true });

    // Adam's client fetches his view of the card (refresh); it has the buttons he may use.
    const view = await click(MRI.adam, conversationId, cardMessageId, 'soa.refresh', { requestId, version });
    // The playground's invoke call answers with the bot's invoke body: { type, value }.
    expect(view.type).toBe('application/vnd.microsoft.card.adaptive');
    const adamsCard = view.value;
    const approve = executeActions(adamsCard).find((a) => a.verb === 'soa.approve');
    expect(approve).toBeDefined();

    // Rita may not approve her own request: the invoke answers without the Approve button.
    const ritasView = await click(MRI.rita, conversationId, cardMessageId, 'soa.refresh', { requestId, version });
    expect(executeActions(ritasView.value).some((a) => a.verb === 'soa.approve')).toBe(false);

    const answer = await click(MRI.adam, conversationId, cardMessageId, approve!.verb, approve!.data);
    expect(JSON.stringify(answer)).toMatch(/Approved by Adam Approver/);

    const outcome = await waitForEvent('the outcome message', (all) =>
      all.find((e) => e.action === 'createMessage' && e.actionConversationId === conversationId && new RegExp(`Transfer ${requestId}: completed`).test(e.message?.text ?? '')),
    );
    expect(outcome.message!.text).toMatch(/1 done/);
    expect(stack.emulator.control.getUser('alice@contoso.com')).toMatchObject({ isCloudManaged: true, onPremisesSyncEnabled: null });

    // Everyone's copy of the card was edited in place.
    await waitForEvent('the card edited to Completed', (all) =>
      all.find((e) => e.action === 'updateMessage' && e.message?.messageId === cardMessageId && /Completed/.test(JSON.stringify(cardOf(e) ?? ''))),
    );

    const audit = await waitForEvent('the audit record message', (all) =>
      all.find((e) => e.actionConversationId === conversationId && /Audit records for/.test(e.message?.text ?? '')),
    );
    const record = stack.emulator.control.audits().find((a) => a.targetResources.some((t) => t.id === DEMO_IDS.users.alice))!;
    expect(audit.message!.text).toContain(record.correlationId);
  });

  it('a request from the personal chat goes to the approvals channel, where Amy rejects it', async () => {
    await say(PLAYGROUND_IDS.personalChat, 'transfer bob@contoso.com reason: e2e personal', { mentionBot: false });
    const posted = await requestCardFor('bob@contoso.com', (id) => id.startsWith(CHANNEL_ID));
    await waitForEvent('the confirmation in the personal chat', (all) =>
      all.find((e) => e.actionConversationId === PLAYGROUND_IDS.personalChat && /was sent to the approvals channel/.test(e.message?.text ?? '')),
    );
    const { requestId, version } = requestIdOf(posted);
    const answer = await click(MRI.amy, posted.actionConversationId, posted.message!.messageId, 'soa.reject', { requestId, version, comment: 'not this week' });
    expect(JSON.stringify(answer)).toMatch(/[Rr]ejected/);
    await waitForEvent('the personal-chat status card edited to Rejected', (all) =>
      all.find((e) => e.action === 'updateMessage' && e.actionConversationId === PLAYGROUND_IDS.personalChat && /Rejected/.test(JSON.stringify(cardOf(e) ?? ''))),
    );
    expect(stack.emulator.control.getUser('bob@contoso.com')).toMatchObject({ onPremisesSyncEnabled: true });
  });

  it('Ben, who is not an approver, cannot approve', async () => {
    await say(CHANNEL_ID, 'transfer carol@contoso.com reason: e2e bystander', { mentionBot: true });
    const posted = await requestCardFor('carol@contoso.com');
    const { requestId, version } = requestIdOf(posted);
    const answer = await click(MRI.ben, posted.actionConversationId, posted.message!.messageId, 'soa.approve', { requestId, version });
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(answer.value)).toMatch(/Only approvers can approve or reject this request/);
    expect(executeActions(answer.value).some((a) => a.verb === 'soa.approve')).toBe(false);
    expect(stack.emulator.control.getUser('carol@contoso.com')).toMatchObject({ onPremisesSyncEnabled: true });
  });
});
