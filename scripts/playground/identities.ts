import { DEMO_IDS, DEMO_UPNS } from '../../emulator';

/**
 * Who is who in the playground: the Teams-side identities (MRIs, chat/team/channel ids) of the demo
 * tenant's people, and the Agents Playground config that signs one of them in.
 */

/** Fixed Teams-side identities of the playground (MRIs, chat/team/channel ids). */
export const PLAYGROUND_IDS = {
  bot: { id: '28:soa-bot', name: 'SOA Bot' },
  personalChat: 'a:soa-playground-personal-chat',
  groupChat: { id: '19:soa-playground-group@thread.v2', name: 'SOA group chat' },
  team: {
    /** The team id is also its General channel's id. */
    id: '19:soa-playground-team@thread.tacv2',
    name: 'IT Operations',
    aadGroupId: '5d0a0002-0000-4000-8000-0000000000f1',
  },
  approvalsChannel: { id: '19:soa-playground-approvals@thread.tacv2', name: 'SOA approvals' },
  mri: {
    rita: '29:soa-rita',
    adam: '29:soa-adam',
    amy: '29:soa-amy',
    ben: '29:soa-ben',
    grace: '29:soa-grace',
    carol: '29:soa-carol',
  },
} as const;

export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string; // sic: the playground's spelling
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

export interface PlaygroundConfig {
  version: '0.1.1';
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

export type DemoPerson = keyof typeof PLAYGROUND_IDS.mri;

const PERSON_NAMES: Record<DemoPerson, [string, string]> = {
  rita: ['Rita', 'Requester'],
  adam: ['Adam', 'Approver'],
  amy: ['Amy', 'Approver'],
  ben: ['Ben', 'Bystander'],
  grace: ['Grace', 'Green'],
  carol: ['Carol', 'Chen'],
};

/** Each instance has its own personal chat with the bot (Rita's keeps the historical id). */
export function personalChatIdOf(person: DemoPerson): string {
  return person === 'rita' ? PLAYGROUND_IDS.personalChat : `${PLAYGROUND_IDS.personalChat}-${person}`;
}

function user(key: DemoPerson, givenName: string, surname: string): PlaygroundUser {
  return {
    id: PLAYGROUND_IDS.mri[key],
    name: `${givenName} ${surname}`,
    userPrincipleName: DEMO_UPNS[key],
    aadObjectId: DEMO_IDS.users[key],
    givenName,
    surname,
    email: DEMO_UPNS[key],
  };
}

/**
 * The playground's config: `person` signed in (default Rita), the five other people as its users. Every
 * instance shares the tenant, the group chat and the team; each has its own personal chat.
 */
export function buildPlaygroundConfig(tenantId: string = DEMO_IDS.tenant, person: DemoPerson = 'rita'): PlaygroundConfig {
  const everyone = Object.keys(PERSON_NAMES) as DemoPerson[];
  const make = (key: DemoPerson) => user(key, PERSON_NAMES[key][0], PERSON_NAMES[key][1]);
  return {
    version: '0.1.1',
    tenantId,
    bot: { ...PLAYGROUND_IDS.bot },
    currentUser: make(person),
    users: everyone.filter((key) => key !== person).map(make),
    personalChat: { id: personalChatIdOf(person) },
    groupChat: { ...PLAYGROUND_IDS.groupChat },
    team: { ...PLAYGROUND_IDS.team, channels: [{ ...PLAYGROUND_IDS.approvalsChannel }] },
  };
}
