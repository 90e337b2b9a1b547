import { app, authentication } from '@microsoft/teams-js';

export type TeamsTheme = 'default' | 'dark' | 'contrast';

export interface HostSession {
  theme: TeamsTheme;
  locale: string;
  userPrincipalName: string | null;
  /** The deep link's subEntityId (context.page.subPageId), e.g. `safeguard-off:<requestId>` from a rollback card. */
  subPageId: string | null;
  /** Returns the unsubscribe function (React effect cleanup). */
  onThemeChange(handler: (theme: TeamsTheme) => void): () => void;
  token(): Promise<string>;
}

/**
 * Outside a Teams host app.initialize() rejects at once on a top-level page but only after 60 s inside
 * an iframe whose parent never answers (docs: tab-and-sso.md §3), so it races a short timeout and the
 * page says "open this in Teams" instead of spinning.
 */
export async function connectToHost(timeoutMs = 8000): Promise<HostSession> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no Teams host answered')), timeoutMs);
  });
  try {
    await Promise.race([app.initialize(), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const context = await app.getContext();
  const handlers: ((theme: TeamsTheme) => void)[] = [];
  app.registerOnThemeChangeHandler((theme) => handlers.forEach((h) => h(asTheme(theme))));
  // The host acknowledges or not; the tab works either way.
  void app.notifySuccess().catch(() => undefined);
  return {
    theme: asTheme(context.app.theme),
    locale: context.app.locale || 'en-US',
    userPrincipalName: context.user?.userPrincipalName ?? null,
    subPageId: context.page?.subPageId || null,
    onThemeChange: (handler) => {
      handlers.push(handler);
      return () => void handlers.splice(handlers.indexOf(handler) >>> 0, 1);
    },
    // Asked for every call: Teams caches and renews it; the tab never stores it.
    token: () => authentication.getAuthToken(),
  };
}

function asTheme(value: string | undefined): TeamsTheme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}
