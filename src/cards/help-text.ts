/** `help`: the commands, and the one limitation the bot cannot detect. */
export function renderHelpText(options: { approvalsRequired: number; ttlHours: number }): string {
  return [
    '**SOA Bot** moves the Source of Authority of synced users from AD DS to Entra ID, with approval.',
    '',
    '- `transfer <upn> [more upns] [reason: why]`: request the transfer of one or more users. Approvers get a card.',
    '- `rollback <upn> [more upns] [reason: why]`: hand transferred users back to AD DS. Needs rollback approval and a person confirming the tenant safeguard is off; the bot follows it until the sync client has taken the users back.',
    '- `notify here` / `notify status` (approvers and admins, in a team channel): rollback notifications in this channel. `notify off`: admins only, and not for channels set by NOTIFY_CHANNEL_IDS.',
    '- `status <upn> [more upns]`: show a user\'s SOA state and on-premises attributes (no approval needed).',
    '- `approve <request-id>` / `reject <request-id> [comment]`: decide without the card buttons (mobile), in the conversation where the request\'s card is.',
    '- `help`: this text.',
    '',
    `A request needs ${options.approvalsRequired} approval(s) from someone other than the requester and expires after ${options.ttlHours} h.`,
    'Users that are not found, cloud-native, already transferred, in a federated domain or not synced are refused with the reason.',
    'Note: apps that still need on-premises password authentication for a user cannot be detected by the bot; check them before you transfer.',
  ].join('\n');
}
