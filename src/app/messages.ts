import { DomainError } from '../domain/errors';
import { USAGE } from '../domain/command-parser';
import { escapeMarkdown } from '../cards/markdown-text';

const PERMISSION_FIX =
  'Grant it in the Entra admin center: App registrations → the bot\'s app → API permissions → Add a permission → Microsoft Graph → Application permissions, then "Grant admin consent".';

/** The one place where error codes become words a user reads. */
export function describeError(error: DomainError): string {
  const d = error.detail ?? {};
  switch (error.code) {
    case 'COMMAND.EMPTY':
      return `Tell me what to do. ${USAGE}`;
    case 'COMMAND.UNKNOWN':
      return `I don't know the command "${escapeMarkdown(String(d.verb ?? ''))}". ${USAGE}`;
    case 'COMMAND.MISSING_UPN':
      return `\`${d.verb}\` needs at least one user principal name, for example \`${d.verb} alice@contoso.com\`. ${USAGE}`;
    case 'COMMAND.INVALID_UPN':
      return invalidUpnText(d);
    case 'COMMAND.TOO_MANY_UPNS':
      return `That is ${d.count} users; one request can hold at most ${d.max}. Split it into several requests.`;
    case 'COMMAND.MISSING_REQUEST_ID':
      return `\`${d.verb}\` needs the request id shown on the card, for example \`${d.verb} SOA-7K3Q9C\`.`;
    case 'COMMAND.MISSING_GROUP':
      return 'Name the group: `transfer members of <group name or object id> reason: why` (the name ends where `reason:` starts).';
    case 'GROUP.NOT_FOUND':
      return `No group is named exactly "${escapeMarkdown(String(d.group ?? ''), 80)}". Check the name, or use the group's object id.`;
    case 'GROUP.AMBIGUOUS':
      return `Several groups are named "${escapeMarkdown(String(d.group ?? ''), 80)}": ${escapeMarkdown(String(d.candidates ?? ''), 600)}. Use the object id of the one you mean.`;
    case 'FILE.UNREADABLE':
      return `I could not read that file (${escapeMarkdown(String(d.reason ?? 'unknown reason'), 120)}). Send a CSV with one UPN per line, or a column named userPrincipalName.`;
    case 'REQUESTER.NOT_ALLOWED':
      return 'You are not allowed to request Source of Authority changes. Ask your identity team to add you to the requesters group.';
    case 'REQUEST.NOT_FOUND':
      return `There is no request ${escapeMarkdown(String(d.requestId ?? ''))}. Check the id on the card.`.replace('  ', ' ');
    case 'REQUEST.NOT_PENDING':
      return `This request is no longer waiting for approval (it is ${String(d.status).replace(/-/g, ' ')}). Nothing was changed.`;
    case 'REQUEST.EXPIRED':
      return 'This request has expired, so it can no longer be approved. Ask the requester to make a new request.';
    case 'REQUEST.STALE_CARD':
      return 'This card was out of date: the request changed since it was shown. Here is the current version; check it and decide again.';
    case 'REQUEST.NONE_ELIGIBLE':
      return 'None of the users can be transferred, so no request was created. The reasons are listed above.';
    case 'REQUEST.NO_APPROVAL_CHANNEL':
      return 'Approvers cannot see a personal chat, and no approvals channel is known yet. Either make the request in a team channel where the bot is installed (mention the bot), or ask an admin to set APPROVAL_CHANNEL_ID and install the bot in that team.';
    case 'APPROVER.NOT_ALLOWED':
      return 'Only approvers can approve or reject this request. Nothing was changed.';
    case 'APPROVER.SELF_APPROVAL':
      return 'You made this request, so you cannot approve or reject it yourself. Another approver must decide.';
    case 'APPROVER.ALREADY_DECIDED':
      return 'You have already recorded your decision on this request. Nothing was changed.';
    case 'CARD.INVALID_DATA':
      return 'This card action is not valid. Use the buttons on the latest card, or type `approve <request-id>`.';
    case 'SAFEGUARD.ALREADY_CONFIRMED':
      return 'The safeguard step is already confirmed on this request. Nothing was changed.';
    case 'ADMIN.NOT_ALLOWED':
      return 'Only approvers and admins can change where notifications go.';
    case 'NOTIFY.NOT_IN_CHANNEL':
      return '`notify here` works in a team channel: mention the bot in the channel that should receive rollback notifications.';
    case 'GRAPH.PERMISSION_MISSING':
      return `Microsoft Graph refused the call (403): the bot's app identity lacks the application permission ${d.permission ?? 'needed for this call'}. ${PERMISSION_FIX}`;
    case 'GRAPH.NOT_FOUND':
      return 'Microsoft Graph says the user no longer exists (404). It may have been deleted or renamed since the request.';
    case 'GRAPH.BAD_REQUEST':
      return 'Microsoft Graph rejected the change as invalid (400). The user may be in a state that cannot be switched; check it in the Entra admin center.';
    case 'GRAPH.THROTTLED':
      return 'Microsoft Graph kept throttling the bot (429) and the retries ran out. Nothing was changed for this user; try again later.';
    case 'GRAPH.UNAVAILABLE':
      return 'Microsoft Graph did not answer (server error or time-out) after several tries.';
    case 'GRAPH.AUTH_FAILED':
      return 'The bot could not sign in to Microsoft Graph with its app identity. An admin must check its certificate, secret or managed identity.';
    case 'GRAPH.UNKNOWN':
      return 'Microsoft Graph answered something unexpected.';
    case 'REQUEST.NOT_VISIBLE':
      // The same words whether the request exists or not: they must not tell a stranger anything.
      return 'There is nothing I can show or do for that request here. Its requester, its approvers and admins can open it from the conversation where its card was posted; check the request id.';
    case 'CARD.NOT_FROM_REQUEST_CARD':
      return 'This action did not come from the request\'s own card, so it was not accepted. Use the buttons on the card in the conversation where the request was posted. Nothing was changed.';
    case 'COMMAND.NOT_IN_CARD_CONVERSATION':
      return `Type \`${d.verb ?? 'approve'} <request-id>\` in the conversation where the request's card was posted (the approvals channel thread or the chat of the request). Nothing was changed.`;
    case 'USER.RATE_LIMITED':
      return `You are sending commands faster than I can take them, so I will ignore your messages and card clicks for the next ${d.seconds ?? 60} seconds. Nothing was done for what I ignore; please send the command again after that.`;
  }
}

/** User input echoed back (already cut to 60 characters by the parser) is escaped: it is shown as text. */
function invalidUpnText(d: NonNullable<DomainError['detail']>): string {
  const value = `"${escapeMarkdown(String(d.value ?? ''))}"`;
  if (d.reason === 'non-ascii') {
    return `${value} contains characters outside plain ASCII. Look-alike characters (for example a Cyrillic "а" in place of a Latin "a") are not accepted: type the user principal name in plain ASCII, as it appears in Entra ID.`;
  }
  if (d.reason === 'too-long') {
    return `${value} is too long for a user principal name (at most ${d.max ?? 113} characters).`;
  }
  return `${value} is not a valid user principal name (expected name@domain, without spaces or double quotes). ${USAGE}`;
}
