import { FluentProvider, Tab, TabList, Text, Theme, teamsHighContrastTheme, webDarkTheme, webLightTheme } from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { createApi } from './api';
import { AppContext, TabContext, can } from './app-context';
import { ErrorState, Loading } from './components/states';
import type { HostSession, TeamsTheme } from './teams';
import type { Me } from './types';
import { useAsync } from './use-async';
import { DelegationsView } from './views/delegations-view';
import { DetailView } from './views/detail-view';
import { NewRequestView } from './views/new-request-view';
import { ProgressView } from './views/progress-view';
import { RequestsView } from './views/requests-view';
import { WaitingView } from './views/waiting-view';

const THEMES: Record<TeamsTheme, Theme> = { default: webLightTheme, dark: webDarkTheme, contrast: teamsHighContrastTheme };

type ViewKey = 'waiting' | 'mine' | 'all' | 'new' | 'progress' | 'delegations';

/** The tab: Fluent theme following Teams, who I am, then the views my roles allow. */
export function App({ host }: { host: HostSession }) {
  const [theme, setTheme] = useState<TeamsTheme>(host.theme);
  useEffect(() => host.onThemeChange(setTheme), [host]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const api = useMemo(() => createApi(host.token), [host]);
  const [me] = useAsync(() => api.me(), [api]);
  return (
    <FluentProvider theme={THEMES[theme]} className="app" data-theme={theme}>
      <main aria-labelledby="app-title">
        <h1 id="app-title">SOA Bot</h1>
        {me.status === 'loading' && <Loading label="Signing you in" />}
        {me.status === 'error' && <ErrorState error={me.error} title="Could not sign you in" />}
        {me.status === 'done' && <Views me={me.value} api={api} locale={host.locale} deepLink={deepLinkOf(host.subPageId)} />}
      </main>
    </FluentProvider>
  );
}

/**
 * What a deep link into the tab asks for: the rollback card's "Switch the safeguard off" / "back on"
 * buttons (src/cards/links.ts safeguardSwitchUrl) open the request's detail on that switch.
 */
export interface DeepLink {
  requestId: string;
  safeguard: 'off' | 'on';
}

function deepLinkOf(subPageId: string | null): DeepLink | null {
  const match = /^safeguard-(off|on):([A-Za-z0-9-]{1,64})$/.exec(subPageId ?? '');
  return match ? { requestId: match[2], safeguard: match[1] as 'off' | 'on' } : null;
}

function Views({ me, api, locale, deepLink }: { me: Me; api: TabContext['api']; locale: string; deepLink: DeepLink | null }) {
  const views = [
    can.approveSomething(me) && { key: 'waiting', label: 'Waiting for me' },
    can.any(me) && { key: 'mine', label: 'My requests' },
    can.approveSomething(me) && { key: 'all', label: 'All requests' },
    can.request(me) && { key: 'new', label: 'New request' },
    can.any(me) && { key: 'progress', label: 'Migration progress' },
    can.approveSomething(me) && { key: 'delegations', label: 'Delegations' },
  ].filter(Boolean) as { key: ViewKey; label: string }[];
  const [view, setView] = useState<ViewKey>(views[0]?.key ?? 'mine');
  const [openId, setOpenId] = useState<string | null>(deepLink?.requestId ?? null);
  const context: TabContext = useMemo(() => ({ api, me, locale, openRequest: setOpenId }), [api, me, locale]);

  // Anyone may open a deep link's request (Graph, not a bot role, decides who may switch the safeguard).
  if (views.length === 0 && !openId) {
    return (
      <Text as="p" role="status">
        Signed in as {me.name}. You have no role in SOA Bot, so there is nothing to show. Ask an administrator if you need access.
      </Text>
    );
  }
  return (
    <AppContext.Provider value={context}>
      <Text as="p" size={200}>
        Signed in as {me.name} ({me.roles.join(', ')})
      </Text>
      {views.length > 0 && (
        <nav aria-label="Views">
          <TabList
            selectedValue={openId ? undefined : view}
            onTabSelect={(_, d) => {
              setOpenId(null);
              setView(d.value as ViewKey);
            }}
            size="small"
            className="tabs"
          >
            {views.map((v) => (
              <Tab key={v.key} value={v.key}>
                {v.label}
              </Tab>
            ))}
          </TabList>
        </nav>
      )}
      <div className="view">
        {openId ? (
          <DetailView id={openId} onBack={() => setOpenId(null)} safeguardAsked={deepLink?.requestId === openId ? deepLink.safeguard : null} />
        ) : view === 'waiting' ? (
          <WaitingView />
        ) : view === 'mine' ? (
          <RequestsView key="mine" mine />
        ) : view === 'all' ? (
          <RequestsView key="all" mine={false} />
        ) : view === 'new' ? (
          <NewRequestView />
        ) : view === 'delegations' ? (
          <DelegationsView />
        ) : (
          <ProgressView />
        )}
      </div>
    </AppContext.Provider>
  );
}

export function AppLoading() {
  return <Loading label="Connecting to Teams" />;
}
