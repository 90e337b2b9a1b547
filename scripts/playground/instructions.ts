import * as path from 'node:path';
import { findRepoRoot } from '../support/repo-root';
import { PLAYGROUND_IDS } from './identities';
import type { PlaygroundStack } from './stack';

/** What `npm run playground` prints once everything runs: where to click, what to type, who is who. */
export function instructions(stack: PlaygroundStack): string {
  const ca = path.relative(process.cwd(), path.join(findRepoRoot(), 'test', 'certs', 'ca.pem')) || 'test/certs/ca.pem';
  const emu = stack.emulator.baseUrl;
  return [
    '',
    '================================================================================',
    ' SOA Bot playground is running (everything local: Graph emulator, bot, Teams emulator)',
    '================================================================================',
    '',
    ` Open ${stack.playgroundUrl} in a browser. You are signed in as Rita Requester (a requester).`,
    '',
    ' Try, in the personal chat (the request card goes to the team\'s "SOA approvals" channel):',
    '   transfer alice@contoso.com reason: demo',
    '   status erin@contoso.com',
    '   help',
    ' In the group chat or a channel, @mention "SOA Bot" first: the card then stays in that conversation.',
    ' Demo users: alice, bob, carol, dave (synced: can be transferred), erin (already transferred),',
    ' frank (rolled back), grace (cloud-only), henry@fabrikam.com (federated domain: blocked).',
    '',
    ' Approving as someone else (Adam Approver or Amy Approver):',
    '   - in the web UI: use the user switcher at the top of the page (acting as another user works in',
    "     the group chat and the team channels; the personal chat is always Rita's), open the card and",
    '     click "Show my options", then Approve or Reject;',
    `   - or through the playground API: POST ${stack.playgroundUrl}/_conversation/v1/invoke with`,
    `     {"name":"adaptiveCard/action","from":{"id":"${PLAYGROUND_IDS.mri.adam}"},"conversation":{"id":"<card's conversation>"},`,
    '      "replyToId":"<card message id>","value":{"action":{"type":"Action.Execute","verb":"soa.approve",',
    '      "data":{"requestId":"SOA-...","version":N}}}} (see test/e2e/api-flows.e2e.ts);',
    '   - or type `approve SOA-...` / `reject SOA-... <comment>` as an approver in a conversation with the bot.',
    ` Requesters: Rita. Approvers: Adam (${PLAYGROUND_IDS.mri.adam}), Amy (${PLAYGROUND_IDS.mri.amy}). Ben is neither.`,
    '',
    ' The personal tab (dashboard), in a local stand-in for Teams that signs you in as a demo person:',
    `   ${stack.tabHost.pageUrl('rita')}   (person: rita | adam | amy | ben; theme: default | dark | contrast;`,
    '   or pick them at the top of the page). Rita requests, Adam and Amy approve, Ben sees nothing.',
    "   Add &subEntityId=safeguard-off:<request id> to open it as the rollback card's safeguard button does.",
    '',
    ' A transfer is done within seconds; the audit record follows ~5 s later (emulated audit-log delay).',
    '',
    ` Graph emulator control API (https, test CA): ${emu}/_control/...`,
    `   curl --cacert ${ca} ${emu}/_control/users/alice@contoso.com`,
    `   curl --cacert ${ca} -X POST ${emu}/_control/seed/demo        # back to the demo tenant`,
    `   curl --cacert ${ca} ${emu}/_control/audits                   # audit records, also not yet visible`,
    '   (all endpoints: emulator/README.md, "Control over HTTP")',
    '',
    ` Logs: ${path.relative(process.cwd(), stack.botLogPath)}, ${path.relative(process.cwd(), stack.playgroundLogPath)}`,
    ' The Playground is not real Teams (no manifest, no SSO): test in Teams before production.',
    ' Press Ctrl+C to stop all three.',
    '',
  ].join('\n');
}
