import { ActivityTypes, AdaptiveCardInvokeResponse, InvokeResponse, TeamsActivityHandler, TeamsInfo, TurnContext } from 'botbuilder';
import { parseCommand, parseFileCaption } from '../../domain/command-parser';
import { Person } from '../../domain/soa-request';
import { ActionPlace } from '../../domain/card-binding';
import { parseCardAction, VERBS } from '../../cards/action-data';
import { AppDeps } from '../../app/app-deps';
import { actByText, answerCardAction, decideByText } from '../../app/card-action';
import { pendingText } from '../../app/waiting-requests';
import { delegate, delegateOff, listDelegations } from '../../app/delegations';
import { reassignRequest } from '../../app/reassign-request';
import { requestRollback, requestTransfer } from '../../app/request-transfer';
import { manageNotifications } from '../../app/manage-notifications';
import { requestTransferFromFile, requestTransferOfGroup } from '../../app/bulk/request-sources';
import { requestGroupSoa } from '../../app/request-group';
import { showGroupStatus } from '../../app/show-group-status';
import { csvAttachment } from './file-attachments';
import { FileDownloader } from '../../ports/file-download';
import { healthReport } from '../../app/health';
import { setFrozen } from '../../app/freeze';
import { showStatus } from '../../app/show-status';
import { errorSummary } from '../../app/error-summary';
import { Reply, refusal } from '../../app/reply';
import { helpReply } from '../../app/help';
import { isFirstDelivery } from '../../app/first-delivery';
import { ConversationTracker, channelInfo, conversationKind } from './conversation-tracker';
import { cardResponse, messageResponse } from './card-invoke';

/**
 * Translates Teams activities into use-case calls and results into replies. No business rule lives
 * here: who may do what is decided in app/ and domain/.
 */
export class SoaBot extends TeamsActivityHandler {
  private readonly tracker: ConversationTracker;

  constructor(
    private readonly deps: AppDeps,
    private readonly options: { allowedTenantIds: string[]; files: FileDownloader },
  ) {
    super();
    this.tracker = new ConversationTracker(deps.conversations, deps.clock);
  }

  override async run(context: TurnContext): Promise<void> {
    const { tenantId } = channelInfo(context.activity);
    if (!tenantId || !this.options.allowedTenantIds.includes(tenantId.toLowerCase())) {
      this.deps.logger.warn({ tenantId: tenantId ?? null, type: context.activity.type }, 'activity from a tenant that is not allowed: ignored');
      if (context.activity.type === ActivityTypes.Invoke) {
        await context.sendActivity({ type: 'invokeResponse', value: { status: 403 } });
      }
      return;
    }
    try {
      await this.tracker.track(context);
    } catch (error) {
      this.deps.logger.warn({ err: errorSummary(error) }, 'could not store the conversation reference');
    }
    await super.run(context);
  }

  protected override async onMessageActivity(context: TurnContext): Promise<void> {
    const activity = context.activity;
    // The same activity delivered twice (Teams retries slow turns) is handled once (app/first-delivery.ts).
    if (!(await isFirstDelivery(this.deps, { conversationId: activity.conversation?.id ?? '', activityId: activity.id || null }))) return;
    if (activity.value && typeof activity.value === 'object' && !activity.text) {
      await this.onSubmit(context, activity.value);
      return;
    }
    const csv = csvAttachment(activity.attachments);
    if (csv) {
      await this.onCsvFile(context, csv);
      return;
    }
    // The parser takes up to the admins' limit; the use case applies each person's own limit.
    const parsed = parseCommand(activity.text ?? '', { maxUsersPerRequest: this.deps.settings.adminMaxUsersPerRequest });
    if (!parsed.ok) {
      await send(context, refusal(parsed.error));
      return;
    }
    const actor = actorOf(context);
    const command = parsed.command;
    switch (command.verb) {
      case 'help':
        await send(context, helpReply(this.deps));
        return;
      case 'status':
        // No typing indicator: a status answer comes within a second, and each send costs a connector call.
        await send(context, await showStatus(this.deps, { actorId: actor.aadObjectId, upns: command.upns }));
        return;
      case 'health':
        await this.typing(context);
        await send(context, await healthReport(this.deps, actor.aadObjectId));
        return;
      case 'freeze':
      case 'unfreeze':
        await send(
          context,
          await setFrozen(this.deps, {
            actorId: actor.aadObjectId,
            actorName: actor.name,
            frozen: command.verb === 'freeze',
            reason: command.verb === 'freeze' ? command.reason : '',
          }),
        );
        return;
      case 'notify': {
        const info = channelInfo(activity);
        const reply = await manageNotifications(this.deps, {
          actorId: actor.aadObjectId,
          action: command.action,
          channelId: conversationKind(activity) === 'channel' ? (info.channelId ?? activity.conversation.id.split(';')[0]) : null,
        });
        await send(context, reply);
        return;
      }
      case 'transfer-group': {
        await this.typing(context);
        const reply = await requestTransferOfGroup(this.deps, {
          actor,
          group: command.group,
          justification: command.justification,
          origin: { conversationKey: activity.conversation.id, kind: conversationKind(activity) },
        });
        await send(context, reply);
        return;
      }
      case 'group': {
        await this.typing(context);
        if (command.action === 'status') {
          await send(context, await showGroupStatus(this.deps, { actorId: actor.aadObjectId, group: command.group }));
          return;
        }
        const reply = await requestGroupSoa(this.deps, {
          kind: command.action,
          actor,
          group: command.group,
          nested: command.nested,
          justification: command.justification,
          origin: { conversationKey: activity.conversation.id, kind: conversationKind(activity) },
        });
        await send(context, reply);
        return;
      }
      case 'rollback':
      case 'transfer': {
        await this.typing(context);
        const start = command.verb === 'rollback' ? requestRollback : requestTransfer;
        const reply = await start(this.deps, {
          actor,
          upns: command.upns,
          justification: command.justification,
          origin: { conversationKey: activity.conversation.id, kind: conversationKind(activity) },
        });
        await send(context, reply);
        return;
      }
      case 'approve':
      case 'reject': {
        const reply = await decideByText(this.deps, {
          actor,
          requestId: command.requestId,
          decision: command.verb,
          comment: command.verb === 'reject' ? command.comment : null,
          conversationId: activity.conversation?.id ?? '',
        });
        await send(context, reply);
        return;
      }
      case 'resume':
      case 'cancel':
      case 'confirm': {
        const reply = await actByText(this.deps, { actor, requestId: command.requestId, verb: command.verb, conversationId: activity.conversation?.id ?? '' });
        await send(context, reply);
        return;
      }
      case 'pending':
        await send(context, await pendingText(this.deps, actor));
        return;
      case 'delegations':
        await send(context, await listDelegations(this.deps, actor));
        return;
      case 'delegate':
        await send(context, await delegate(this.deps, { actor, upn: command.upn, until: command.until }));
        return;
      case 'delegate-off':
        await send(context, await delegateOff(this.deps, { actor, forUpn: command.forUpn }));
        return;
      case 'reassign':
        await send(context, await reassignRequest(this.deps, { actor, requestId: command.requestId, upn: command.upn, note: command.note }));
        return;
    }
  }

  /** A CSV of UPNs sent to the bot (Teams delivers a short-lived download URL, in a personal chat only). */
  private async onCsvFile(context: TurnContext, file: { name: string; downloadUrl: string }): Promise<void> {
    await this.typing(context);
    const reply = await requestTransferFromFile(this.deps, {
      actor: actorOf(context),
      file,
      justification: parseFileCaption(context.activity.text ?? ''),
      origin: { conversationKey: context.activity.conversation.id, kind: conversationKind(context.activity) },
      files: this.options.files,
    });
    await send(context, reply);
  }

  /** Best effort: a typing indicator that cannot be sent must not stop the command. */
  private async typing(context: TurnContext): Promise<void> {
    await context.sendActivities([{ type: ActivityTypes.Typing }]).catch(() => undefined);
  }

  /** Action.Submit fallback of older clients: the same decision as the card button. */
  private async onSubmit(context: TurnContext, value: unknown): Promise<void> {
    const action = parseCardAction(undefined, value);
    if (!action || action.verb === VERBS.refresh) {
      await send(context, refusal({ code: 'CARD.INVALID_DATA' }));
      return;
    }
    await send(context, await answerCardAction(this.deps, { actor: actorOf(context), place: placeOf(context), verb: action.verb, data: action.data }));
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (context.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(context);
    const value = (context.activity.value ?? {}) as { action?: { type?: unknown; verb?: unknown; data?: unknown } };
    const response = await this.onCardAction(context, value.action?.verb, value.action?.data);
    return { status: 200, body: response };
  }

  private async onCardAction(context: TurnContext, verb: unknown, data: unknown): Promise<AdaptiveCardInvokeResponse> {
    const action = parseCardAction(verb, data);
    if (!action) {
      this.deps.logger.warn({ verb: typeof verb === 'string' ? verb.slice(0, 40) : typeof verb }, 'card action with invalid data refused');
      return messageResponse(refusal({ code: 'CARD.INVALID_DATA' }).text ?? '');
    }
    // Who may see or do what is decided in app/card-action.ts; this only translates the answer.
    const answer = await answerCardAction(this.deps, { actor: actorOf(context), place: placeOf(context), verb: action.verb, data: action.data });
    return answer.card ? cardResponse(answer.card) : messageResponse(answer.text ?? '');
  }

  protected override async onInstallationUpdateAddActivity(context: TurnContext): Promise<void> {
    await this.rememberTeamChannels(context);
  }

  protected override async onTeamsMembersAdded(context: TurnContext): Promise<void> {
    const added = context.activity.membersAdded ?? [];
    if (added.some((m) => m.id === context.activity.recipient?.id)) await this.rememberTeamChannels(context);
  }

  /** On install in a team: remember each channel, so one of them can be the approvals channel. */
  private async rememberTeamChannels(context: TurnContext): Promise<void> {
    const info = channelInfo(context.activity);
    if (!info.teamId) return;
    const reference = TurnContext.getConversationReference(context.activity) as Record<string, unknown>;
    delete reference.activityId;
    await this.tracker.saveChannel(reference, info, info.teamId);
    try {
      const channels = await TeamsInfo.getTeamChannels(context, info.teamId);
      for (const channel of channels) {
        if (channel.id) await this.tracker.saveChannel(reference, info, channel.id);
      }
    } catch (error) {
      // Without the channel list the General channel and every channel the bot is addressed in still count.
      this.deps.logger.info({ teamId: info.teamId, err: errorSummary(error) }, "could not list the team's channels");
    }
  }
}

/** A use case's answer as a reply in the conversation: its words, when it has any (a refusal always has). */
async function send(context: TurnContext, reply: Reply<unknown>): Promise<void> {
  if (reply.text) await context.sendActivity(reply.text);
}

/** The conversation and the message (the card, for a click or a Submit fallback) an activity came from. */
function placeOf(context: TurnContext): ActionPlace {
  return { conversationId: context.activity.conversation?.id ?? '', replyToId: context.activity.replyToId || null };
}

function actorOf(context: TurnContext): Person {
  const from = context.activity.from ?? { id: '', name: '' };
  return { aadObjectId: (from.aadObjectId ?? '').toLowerCase(), name: from.name || 'Someone', mri: from.id || null };
}
