// The store contract suite (test/support/store-contract.ts) on the ClickHouse store, against a
// real Debian clickhouse-server started by the test (test/support/clickhouse-server.ts).
import { after } from 'node:test';
import { openClickHouseStore } from '../../collector/clickhouse-store.js';
import { sharedClickHouse, stopSharedClickHouse } from '../support/clickhouse-server.js';
import { describeStoreContract } from '../support/store-contract.js';

let databases = 0;
after(stopSharedClickHouse);
describeStoreContract('ClickHouse', async () => {
  const server = await sharedClickHouse();
  // A database of its own per case; reopen is a second store on the same database.
  const options = server.storeOptions(`contract${process.pid}_${++databases}`);
  return {
    store: await openClickHouseStore(options),
    reopen: () => openClickHouseStore(options),
    cleanup: () => Promise.resolve(),
  };
});
