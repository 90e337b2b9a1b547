// Worker thread for sqlite-concurrency.test.ts: its own module registry and its own SQLite connection.
// Loads the TypeScript sources by transpiling them on require (no build step needed).
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  module._compile(outputText, filename);
};

const { openSqliteStorage } = require(workerData.sqliteModule);
const storage = openSqliteStorage({ path: workerData.dbPath, busyTimeoutMs: 10000 });
const arrivals = new Int32Array(workerData.arrivals);

/** Spins until every worker reached the same round, so they all hit the database together. */
function barrier(slot) {
  Atomics.add(arrivals, slot, 1);
  while (Atomics.load(arrivals, slot) < workerData.workers) {
    /* spin */
  }
}

parentPort.on('message', async (message) => {
  if (message.type === 'close') {
    await storage.close();
    parentPort.postMessage({ type: 'closed' });
    return;
  }
  barrier(message.slot);
  try {
    if (message.type === 'update') {
      const { request, expectedVersion, event } = message;
      await storage.requests.update(request, expectedVersion, [event]);
      parentPort.postMessage({ type: 'result', outcome: 'won' });
    } else if (message.type === 'claim') {
      const jobs = await storage.jobs.claimDue(message.now, message.limit, message.leaseMs);
      parentPort.postMessage({ type: 'result', outcome: 'claimed', ids: jobs.map((j) => j.id) });
    } else if (message.type === 'claim-notifications') {
      const notes = await storage.notifications.claimDue(message.now, message.limit, message.leaseMs);
      parentPort.postMessage({ type: 'result', outcome: 'claimed', ids: notes.map((n) => n.id) });
    }
  } catch (e) {
    parentPort.postMessage({ type: 'result', outcome: e && e.name === 'VersionConflictError' ? 'conflict' : `error: ${e && e.message}` });
  }
});
parentPort.postMessage({ type: 'ready' });
