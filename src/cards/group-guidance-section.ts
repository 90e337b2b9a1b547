import { GroupGuidance, SoaRequest } from '../domain/soa-request';
import { VERBS } from './action-data';
import { escapeMarkdown as md } from './markdown-text';

const SHOWN = 10;

/**
 * Order guidance on a user transfer (docs/soa-and-graph.md §5, §6a): the users' groups still managed in
 * AD DS, Microsoft's advice to move groups first, and a button that requests their transfer as the
 * person who clicks. A warning, never a block.
 */
export function groupGuidanceSection(request: SoaRequest, guidance: GroupGuidance): Record<string, unknown>[] {
  const names =
    guidance.groups
      .slice(0, SHOWN)
      .map((g) => `"${md(g.displayName, 80)}"`)
      .join(', ') + (guidance.groups.length > SHOWN ? ` and ${guidance.groups.length - SHOWN} more` : '');
  const sample =
    guidance.checkedUsers < guidance.totalUsers ? ` (memberships of the first ${guidance.checkedUsers} of ${guidance.totalUsers} users checked)` : '';
  const blocks: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: `⚠️ Groups of these users still managed in AD DS${sample}: ${names}. Microsoft recommends transferring groups before their members.`,
      wrap: true,
      color: 'warning',
      spacing: 'Medium',
    },
  ];
  if (request.status === 'pending') {
    const data = { requestId: request.id, version: request.cardVersion };
    const title = 'Request transfer of these groups';
    blocks.push({
      type: 'ActionSet',
      actions: [
        {
          type: 'Action.Execute',
          title,
          verb: VERBS.requestGroups,
          data,
          fallback: { type: 'Action.Submit', title, data: { ...data, verb: VERBS.requestGroups } },
        },
      ],
    });
  }
  return blocks;
}
