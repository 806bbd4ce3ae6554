// The FlowStore contract on the default store: SQLite on its worker thread, a fresh file per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteFlowStore } from '../../collector/sqlite-store.js';
import { describeStoreContract } from '../support/store-contract.js';

describeStoreContract('SQLite (worker thread)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'snatscope-contract-'));
  const path = join(dir, 'flows.db');
  const open = async (): Promise<SqliteFlowStore> => {
    const store = new SqliteFlowStore(path);
    await store.opened;
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
});
