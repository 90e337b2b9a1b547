/**
 * A local, offline SOA Bot session (`npm run playground`, cli.ts) and the stack the end-to-end suite
 * starts: the Graph emulator, the bot and one Microsoft 365 Agents Playground per person.
 *   identities.ts    who is who (Teams ids of the demo people) and the playground's config
 *   config-file.ts   that config as the playground's YAML file
 *   instance.ts      one playground process (one signed-in person), the team installation event
 *   stack.ts         emulator + bot + playgrounds, started and stopped together
 *   tab-host/        the personal tab in a local Teams host page (answers teams-js, signs a demo person in)
 *   instructions.ts  the text printed once everything runs
 *   cli.ts           the command
 * Ports and child processes: ../support/.
 */
export { DEFAULT_BOT_PORT, DEFAULT_PLAYGROUND_PORT, DEFAULT_TAB_HOST_PORT, startPlaygroundStack } from './stack';
export type { PlaygroundStack, PlaygroundStackOptions } from './stack';
export type { PlaygroundInstance } from './instance';
export { PLAYGROUND_IDS, buildPlaygroundConfig, personalChatIdOf } from './identities';
export type { DemoPerson, PlaygroundConfig, PlaygroundUser } from './identities';
export { playgroundConfigYaml } from './config-file';
export { instructions } from './instructions';
export { PLAYGROUND_TAB_APP_ID, TAB_HOST_PEOPLE } from './tab-host/tab-host-server';
export type { TabHost } from './tab-host/tab-host-server';
export { PortBusyError, assertPortFree, freePort, isPortFree } from '../support/ports';
export { findRepoRoot } from '../support/repo-root';
