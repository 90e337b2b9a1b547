/** Teams-shaped activities as the Bot Connector delivers them to /api/messages. */
export const TENANT_ID = '11111111-2222-3333-4444-555555555555';
export const BOT = { id: '28:soa-bot', name: 'SOA Bot' };

export interface TestPerson {
  aadObjectId: string;
  name: string;
  mri: string;
}

export interface ConversationSpec {
  kind: 'personal' | 'channel' | 'groupChat';
  id: string;
  teamId?: string;
  channelId?: string;
}

export const PERSONAL = (person: TestPerson): ConversationSpec => ({ kind: 'personal', id: `a:personal-${person.aadObjectId}` });
export const CHANNEL: ConversationSpec = {
  kind: 'channel',
  id: '19:approvals@thread.tacv2;messageid=1700000000000',
  teamId: '19:team@thread.tacv2',
  channelId: '19:approvals@thread.tacv2',
};
export const GROUP_CHAT: ConversationSpec = { kind: 'groupChat', id: '19:group@thread.v2' };

let counter = 0;

function base(serviceUrl: string, from: TestPerson, conversation: ConversationSpec, tenantId: string) {
  const channelData: Record<string, unknown> = { tenant: { id: tenantId } };
  if (conversation.kind === 'channel') {
    channelData.team = { id: conversation.teamId };
    channelData.channel = { id: conversation.channelId };
  }
  return {
    id: `in-${++counter}`,
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: from.mri, name: from.name, aadObjectId: from.aadObjectId },
    recipient: BOT,
    conversation: {
      id: conversation.id,
      conversationType: conversation.kind,
      tenantId,
      isGroup: conversation.kind !== 'personal' ? true : undefined,
    },
    channelData,
  };
}

export function messageActivity(opts: { serviceUrl: string; from: TestPerson; text: string; conversation?: ConversationSpec; tenantId?: string }) {
  const conversation = opts.conversation ?? PERSONAL(opts.from);
  const mention = conversation.kind === 'personal' ? '' : `<at>${BOT.name}</at> `;
  const activity: Record<string, unknown> = {
    ...base(opts.serviceUrl, opts.from, conversation, opts.tenantId ?? TENANT_ID),
    type: 'message',
    text: `${mention}${opts.text}`,
    textFormat: 'plain',
  };
  if (mention) activity.entities = [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }];
  return activity;
}

export function cardActionInvoke(opts: {
  serviceUrl: string;
  from: TestPerson;
  verb: string;
  data: unknown;
  replyToId: string;
  conversation: ConversationSpec;
  trigger?: 'manual' | 'automatic';
  tenantId?: string;
}) {
  return {
    ...base(opts.serviceUrl, opts.from, opts.conversation, opts.tenantId ?? TENANT_ID),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: opts.replyToId,
    value: { action: { type: 'Action.Execute', verb: opts.verb, data: opts.data }, trigger: opts.trigger ?? 'manual' },
  };
}

export function submitActivity(opts: { serviceUrl: string; from: TestPerson; value: unknown; replyToId: string; conversation: ConversationSpec }) {
  return { ...base(opts.serviceUrl, opts.from, opts.conversation, TENANT_ID), type: 'message', replyToId: opts.replyToId, value: opts.value };
}

export function installActivity(opts: { serviceUrl: string; from: TestPerson; conversation: ConversationSpec }) {
  return { ...base(opts.serviceUrl, opts.from, opts.conversation, TENANT_ID), type: 'installationUpdate', action: 'add' };
}
