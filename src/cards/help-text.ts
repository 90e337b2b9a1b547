import { COMMANDS } from '../domain/command-grammar';

/** `help`: every command of the grammar, and the one limitation the bot cannot detect. */
export function renderHelpText(options: { approvalsRequired: number; ttlHours: number }): string {
  return [
    '**SOA Bot** moves the Source of Authority of synced users from AD DS to Entra ID, with approval.',
    '',
    ...COMMANDS.map(
      (c) =>
        `- ${
          c.examples.length > 0
            ? c.syntax
                .split(' / ')
                .map((s) => `\`${s}\``)
                .join(' / ')
            : c.syntax
        }: ${c.summary}`,
    ),
    '',
    `A request needs ${options.approvalsRequired} approval(s) from someone other than the requester and expires after ${options.ttlHours} h.`,
    'Users that are not found, cloud-native, already transferred, in a federated domain, not synced, protected or outside the allowed scope are refused with the reason.',
    'Note: apps that still need on-premises password authentication for a user cannot be detected by the bot; check them before you transfer.',
  ].join('\n');
}
