import { DomainError, ErrorCode } from '../../domain/errors';
import { USAGE } from '../../domain/command-grammar';
import { escapeMarkdown } from '../../cards/markdown-text';

const PERMISSION_FIX =
  'Grant it in the Entra admin center: App registrations → the bot\'s app → API permissions → Add a permission → Microsoft Graph → Application permissions, then "Grant admin consent".';

/** What a directory failure interrupted, by its `reading` detail. */
const READING: Record<string, string> = {
  users: 'I could not check the users, so no request was created.',
  user: 'I could not read the user from Microsoft Graph.',
  group: 'I could not read the group from Microsoft Graph.',
};

/** What `ADMIN.ONLY` refused, by the command's `action` detail. */
const ADMIN_ACTIONS: Record<string, string> = {
  freeze: 'freeze executions',
  unfreeze: 'unfreeze executions',
  health: 'see the health report',
  delegation: "end another person's delegation",
};

/**
 * The one place where error codes become words a user reads. A directory failure met while reading
 * something (`detail.reading`: the users of a request, a user's or a group's status) says so first.
 */
export function describeError(error: DomainError): string {
  const d = error.detail ?? {};
  if (error.code.startsWith('GRAPH.') && d.reading)
    return `${READING[String(d.reading)] ?? ''} ${describeError({ code: error.code, detail: { ...d, reading: null } })}`.trim();
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
    case 'FILE.NOT_PERSONAL_CHAT':
      return 'I take CSV files only in a personal chat with me: open a chat with the bot and send the file there. Nothing was downloaded.';
    case 'FILE.HOST_NOT_ALLOWED':
      return `I did not download that file: it is not on an allowed SharePoint or OneDrive address (${escapeMarkdown(String(d.host ?? ''), 100)}). Send the CSV from Teams in a personal chat with me; an admin can allow more hosts with FILE_DOWNLOAD_HOSTS.`;
    case 'FILE.REDIRECT_NOT_ALLOWED':
      return `I stopped downloading that file: its address sent me on to ${escapeMarkdown(String(d.host ?? ''), 100)}, which is not an allowed download host (FILE_DOWNLOAD_HOSTS). Nothing was read.`;
    case 'FILE.TOO_MANY_REDIRECTS':
      return `I stopped downloading that file: its address redirected more than ${d.max} times. Send the file again from Teams.`;
    case 'FILE.TOO_LARGE':
      return `That file is larger than ${Math.round(Number(d.maxBytes) / 1024)} KB, so I stopped reading it. Send a smaller CSV (one UPN per line).`;
    case 'FILE.TOO_MANY_ROWS':
      return `That file has more than ${d.maxLines} lines, more than one request of yours can hold, so I stopped reading it. Split it into several files.`;
    case 'FILE.TIMEOUT':
      return `Downloading that file took longer than ${d.seconds} s, so I gave up. Try again in a moment.`;
    case 'FILE.DOWNLOAD_FAILED':
      return `I could not download that file${d.status ? ` (HTTP ${d.status})` : ''}. Send it again; Teams download links are valid for a short time only.`;
    case 'STATUS.TOO_MANY_UPNS':
      return `That is ${d.count} users; \`status\` shows at most ${d.max} at a time. Ask for fewer users at once. Nothing was looked up.`;
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
      if (d.reason === 'empty-group') return `The group ${escapeMarkdown(String(d.group ?? ''), 120)} has no user members; no request was created.`;
      if (d.reason === 'no-guided-groups') return 'This request lists no groups still managed in AD DS.';
      return `None of the ${d.targetType === 'group' ? 'groups' : 'users'} can be ${d.kind === 'rollback' ? 'rolled back' : 'transferred'}, so no request was created. The reasons are listed above.`;
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
    case 'ADMIN.ONLY':
      return `Only admins can ${ADMIN_ACTIONS[String(d.action)] ?? 'do that'} (ADMIN_GROUP_ID / ADMIN_IDS). Nothing was changed.`;
    case 'SAFEGUARD.SWITCH_NOT_ENABLED':
      return 'This bot does not switch the tenant safeguard itself (SAFEGUARD_SWITCH=manual): a Global Administrator switches it with PowerShell or Graph Explorer, then confirms on the rollback card. Nothing was changed.';
    case 'SAFEGUARD.NOT_GLOBAL_ADMIN':
      return 'Microsoft Graph refused (403): only a Global Administrator can switch the tenant safeguard (blockCloudObjectTakeoverThroughHardMatchEnabled); Microsoft supports no other role for it, and an eligible (PIM) role must be activated first. Ask a Global Administrator to use this button. Nothing was changed.';
    case 'SAFEGUARD.SIGN_IN_FAILED':
      return 'I could not act on your behalf with Microsoft Graph: your Teams sign-in could not be exchanged. Sign in to Teams again and retry; if it keeps failing, an admin must grant the tab app registration the delegated permission OnPremDirectorySynchronization.ReadWrite.All with admin consent. Nothing was changed.';
    case 'SAFEGUARD.SWITCH_FAILED':
      return `Microsoft Graph did not switch the tenant safeguard${d.readBack !== undefined ? ` (reading it back shows it ${d.readBack ? 'on' : 'off'})` : ''}. Try again, or switch it with PowerShell or Graph Explorer.`;
    case 'SAFEGUARD.NOT_NEEDED':
      return `This rollback no longer needs the safeguard switched off (it is ${String(d.status ?? '').replace(/-/g, ' ')}). Nothing was changed.`;
    case 'NOTIFY.NOT_ALLOWED':
      return 'Only approvers and admins can subscribe a channel to notifications or see their status.';
    case 'NOTIFY.NOT_IN_CHANNEL':
      return '`notify here` works in a team channel: mention the bot in the channel that should receive rollback notifications.';
    case 'NOTIFY.OFF_NOT_ALLOWED':
      return 'Only admins can turn notifications off for a channel (ADMIN_GROUP_ID / ADMIN_IDS). Nothing was changed.';
    case 'NOTIFY.CONFIGURED_BY_SETTINGS':
      return 'This channel is configured by the settings (NOTIFY_CHANNEL_IDS), so its notifications cannot be turned off from chat. Nothing was changed. To stop them, remove the channel from NOTIFY_CHANNEL_IDS and restart the bot.';
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
    case 'SCOPE.PROTECTED':
      return 'Protected account (a member of a group in PROTECTED_GROUP_IDS, directly or through a nested group): the bot never changes it.';
    case 'SCOPE.OUTSIDE_ALLOWED':
      return 'Outside the allowed scope: not a member of ALLOWED_TARGET_GROUP_ID (directly or through a nested group).';
    case 'STATE.CHANGED':
      return "The user's state changed after approval, so it can no longer be switched; nothing was changed.";
    case 'ROLLBACK.ROLE_HOLDER':
      return 'The user holds a Microsoft Entra role (active or eligible): since 1 June 2026 the sync client does not take such a user back, so it was not rolled back. Remove the role assignments first, then roll back again.';
    case 'VERIFY.MISMATCH':
      return 'Graph accepted the change but reading the user back shows it did not take effect. Check the user in the Entra admin center before trying again.';
    case 'VERIFY.UNREACHABLE':
      return 'The change was sent but the user could not be read back to confirm it; the bot reads it again before doing anything else.';
    case 'REQUEST.NOT_VISIBLE':
      // The same words whether the request exists or not: they must not tell a stranger anything.
      if (d.via === 'tab') return 'No such request, or you may not see it.';
      return 'There is nothing I can show or do for that request here. Its requester, its approvers and admins can open it from the conversation where its card was posted; check the request id.';
    case 'CARD.NOT_FROM_REQUEST_CARD':
      return "This action did not come from the request's own card, so it was not accepted. Use the buttons on the card in the conversation where the request was posted. Nothing was changed.";
    case 'COMMAND.NOT_IN_CARD_CONVERSATION':
      return `Type \`${d.verb ?? 'approve'} <request-id>\` in the conversation where the request's card was posted (the approvals channel thread or the chat of the request). Nothing was changed.`;
    case 'TAB.NO_ROLE':
      return d.need === 'export' ? 'Only approvers and admins can export the history.' : 'You have no role in SOA Bot for this.';
    case 'TAB.BAD_QUERY':
      return `The ${escapeMarkdown(String(d.filter ?? ''), 40)} filter is not valid.`;
    case 'TAB.BAD_BODY':
      if (d.expected === 'preflight' || d.expected === 'new-request') {
        const shape =
          d.expected === 'preflight'
            ? '{"kind": "transfer" | "rollback", "upns": [UPNs] or "csv": text or "group": name or id (with "nested": true for its nested groups)}'
            : '{"kind": "transfer" | "rollback", "upns": [UPNs] or "csv": text or "group": name or id (with "nested": true for its nested groups), "justification": text, "idempotencyKey": uuid}';
        return `Expected ${shape}.${d.reason ? ` ${escapeMarkdown(String(d.reason), 120)}.` : ''}`;
      }
      if (d.expected) return `Expected ${String(d.expected)}.`;
      return 'Expected {"decision": "approve" | "reject" | "resume" | "cancel", "comment": text, "version": number}.';
    case 'TAB.REQUEST_IN_PROGRESS':
      return 'A request with this submission key is still being made, or its making was interrupted. Look for it in your requests before submitting again; a new submission gets a new key.';
    case 'DECISION.COMMENT_REQUIRED':
      return `A rejection needs a comment saying why: write it in the comment box before Reject, or type \`reject ${escapeMarkdown(String(d.requestId ?? '<request-id>'))} <comment>\`. Nothing was changed.`;
    case 'APPROVER.NOT_THIS_STAGE':
      return `This request is at the "${escapeMarkdown(String(d.stage ?? ''), 60)}" stage, which you do not approve; you will be able to decide when your stage opens. Nothing was changed.`;
    case 'COMMAND.BAD_ARGUMENTS':
      return `Write it as \`${d.syntax ?? ''}\`.`;
    case 'DELEGATION.NOT_AN_APPROVER':
      return 'Only approvers can delegate their approval right (a delegated right cannot be delegated again). Nothing was changed.';
    case 'DELEGATION.TO_SELF':
      return 'You cannot delegate to yourself. Nothing was changed.';
    case 'DELEGATION.PERSON_NOT_FOUND':
      return `No enabled user ${escapeMarkdown(String(d.upn ?? ''), 120)} was found in the directory. Nothing was changed.`;
    case 'DELEGATION.BAD_DATE':
      return `"${escapeMarkdown(String(d.value ?? ''), 40)}" is not a date in the future within a year (write it as YYYY-MM-DD). Nothing was changed.`;
    case 'DELEGATION.NONE':
      return 'There is no active delegation to end. Nothing was changed.';
    case 'REASSIGN.NOT_ELIGIBLE':
      return `${escapeMarkdown(String(d.upn ?? ''), 120)} cannot decide this request at its current stage (not an approver of it, its requester, or already decided), so it was not reassigned.`;
    case 'ROLE.CHECK_FAILED':
      return `I could not check your rights for this with Microsoft Graph just now, so nothing was changed. ${describeError({ code: graphCodeOf(d.graphCode), detail: { permission: d.permission ?? null } })} Try again in a moment.`;
    case 'USER.RATE_LIMITED':
      return `You are sending commands faster than I can take them, so I will ignore your messages and card clicks for the next ${d.seconds ?? 60} seconds. Nothing was done for what I ignore; please send the command again after that.`;
  }
}

/** The Graph failure behind a failed role check (GRAPH.UNKNOWN when it was not a directory error). */
function graphCodeOf(value: unknown): ErrorCode {
  const code = String(value ?? '');
  return code.startsWith('GRAPH.') && code !== 'GRAPH.NOT_FOUND' ? (code as ErrorCode) : 'GRAPH.UNKNOWN';
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
