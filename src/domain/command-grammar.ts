/**
 * Every command the bot takes, in one table: the usage line, `help` and the parser's tests are made
 * from it, so a command cannot exist without being listed (or be listed without existing).
 */
export interface CommandSpec {
  /** How it is written, as shown to users. */
  syntax: string;
  /** What it does and who may use it. */
  summary: string;
  /** Messages that run it (the tests parse each); none for what is not typed. */
  examples: string[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    syntax: 'transfer <upn> [more upns] [reason: why]',
    summary: 'request the transfer of one or more users (requesters). Approvers get a card; a long list runs in waves.',
    examples: ['transfer alice@contoso.com bob@contoso.com reason: migration wave 1'],
  },
  {
    syntax: 'transfer members of <group name or object id> [reason: why]',
    summary: 'request the transfer of every user who is a direct member of the group (requesters).',
    examples: ['transfer members of Sales (AD) reason: wave 2'],
  },
  {
    syntax: 'transfer group <group name or object id> [with nested groups] [reason: why]',
    summary:
      'request the transfer of the group itself (requesters; Microsoft preview). `with nested groups` adds every synced group nested in it, converted children first; a failure halts before the parents.',
    examples: ['transfer group Sales (AD) reason: groups before users', 'transfer group Sales (AD) with nested groups reason: wave 0'],
  },
  {
    syntax: 'rollback group <group name or object id> [reason: why]',
    summary:
      'hand a transferred group back to AD DS (requesters): its cloud-only members and access packages must be removed first; same safeguard step as users.',
    examples: ['rollback group Sales (AD) reason: back to AD'],
  },
  {
    syntax: 'status group <group name or object id>',
    summary: "show a group's SOA state and which of its nested groups are still managed in AD DS (no approval needed).",
    examples: ['status group Sales (AD)'],
  },
  {
    syntax: 'a CSV file sent to the bot in a personal chat [reason: why]',
    summary: 'request the transfer of the users it lists: one UPN per line, or a column named userPrincipalName (requesters).',
    examples: [],
  },
  {
    syntax: 'rollback <upn> [more upns] [reason: why]',
    summary:
      'hand transferred users back to AD DS (requesters). Needs rollback approval and a person confirming the tenant safeguard is off; the bot follows it until the sync client has taken the users back.',
    examples: ['rollback erin@contoso.com reason: back to AD'],
  },
  {
    syntax: 'status <upn> [more upns]',
    summary: "show users' SOA state and on-premises attributes (no approval needed).",
    examples: ['status alice@contoso.com'],
  },
  {
    syntax: 'approve <request-id>',
    summary: "approve without the card buttons (approvers), in the conversation where the request's card is.",
    examples: ['approve SOA-7K3Q9C'],
  },
  {
    syntax: 'reject <request-id> <comment>',
    summary: "reject without the card buttons (approvers), in the conversation where the request's card is. A rejection needs a comment.",
    examples: ['reject SOA-7K3Q9C not during the audit'],
  },
  {
    syntax: 'resume <request-id> / cancel <request-id> / confirm <request-id>',
    summary: "the card's Resume, Cancel and safeguard Confirm without its buttons (Teams mobile), where the request's card is.",
    examples: ['resume SOA-7K3Q9C', 'cancel SOA-7K3Q9C', 'confirm SOA-7K3Q9C'],
  },
  {
    syntax: 'pending',
    summary: 'the requests waiting for your decision, oldest first, with their age (approvers).',
    examples: ['pending'],
  },
  {
    syntax: 'delegate to <upn> until <YYYY-MM-DD> / delegate off',
    summary:
      'hand your approval right to another person until the end of that day, or take it back (approvers). Never for your own requests; a delegate cannot delegate again.',
    examples: ['delegate to amy@contoso.com until 2026-12-24', 'delegate off'],
  },
  {
    syntax: 'delegations / delegate off for <upn>',
    summary: 'the delegations running now (yours; admins see all), and an admin ending the delegation of that person.',
    examples: ['delegations', 'delegate off for adam@contoso.com'],
  },
  {
    syntax: 'reassign <request-id> to <upn> [note]',
    summary: 'pass a request waiting for you to another approver of its stage, with a note; they are told (approvers).',
    examples: ['reassign SOA-7K3Q9C to amy@contoso.com I am out today'],
  },
  {
    syntax: 'notify here|status|off',
    summary:
      'rollback notifications in this team channel: `here` and `status` for approvers and admins, `off` for admins only and never for channels set by NOTIFY_CHANNEL_IDS.',
    examples: ['notify status'],
  },
  {
    syntax: 'health',
    summary: "the bot's Graph token, permissions and whether executions are frozen (admins).",
    examples: ['health'],
  },
  {
    syntax: 'freeze [reason] / unfreeze',
    summary: 'stop every execution at once, or let them run again (admins). Approvals still work; approved requests wait.',
    examples: ['freeze change window', 'unfreeze'],
  },
  { syntax: 'help', summary: 'this text.', examples: ['help'] },
];

/** The one-line reminder appended to errors about a command. */
export const USAGE = `Usage: ${COMMANDS.filter((c) => c.examples.length > 0)
  .map((c) => `\`${c.syntax}\``)
  .join(' · ')}`;
