import { botEnvFor as emulatorBotEnv } from '../../emulator/bot-env';
import { TENANT_ID } from './teams-activities';

/** The emulator's bot settings, serving the Teams tenant the test activities come from. */
export function botEnvFor(emulator: Parameters<typeof emulatorBotEnv>[0], extra: Record<string, string> = {}): Record<string, string> {
  return emulatorBotEnv(emulator, { ALLOWED_TENANT_IDS: TENANT_ID, ...extra });
}
