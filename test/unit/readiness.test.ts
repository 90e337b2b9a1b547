import { readiness } from '../../src/app/health';
import { RequestStore } from '../../src/ports/request-store';

/** /readyz: can this instance serve? The database answers and it is not shutting down; nothing else. */
describe('readiness', () => {
  const store = (answers: boolean) =>
    ({ listByStatus: async () => (answers ? [] : Promise.reject(new Error('connection refused'))) }) as unknown as RequestStore;

  it('is ready when the database answers and the instance is not shutting down', async () => {
    expect(await readiness({ requests: store(true) }, { shuttingDown: () => false })).toEqual({ ready: true, reasons: [] });
  });

  it('is not ready while shutting down or when the database does not answer', async () => {
    expect(await readiness({ requests: store(true) }, { shuttingDown: () => true })).toEqual({ ready: false, reasons: ['shutting down'] });
    expect(await readiness({ requests: store(false) }, { shuttingDown: () => false })).toEqual({ ready: false, reasons: ['database unreachable'] });
  });
});
