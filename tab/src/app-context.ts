import { createContext, useContext } from 'react';
import type { Api } from './api';
import type { Me } from './types';

export interface TabContext {
  api: Api;
  me: Me;
  locale: string;
  openRequest(id: string): void;
}

export const AppContext = createContext<TabContext | null>(null);

export function useTab(): TabContext {
  const value = useContext(AppContext);
  if (!value) throw new Error('useTab outside AppContext');
  return value;
}

export const can = {
  approveSomething: (me: Me) => me.roles.some((r) => r === 'approver' || r === 'rollback-approver' || r === 'admin'),
  request: (me: Me) => me.roles.includes('requester') || me.roles.includes('admin'),
  any: (me: Me) => me.roles.length > 0,
};
