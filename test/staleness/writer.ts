// A separate process that records stage events, for the concurrent-writers test.
import { openStore } from '../../src/staleness/open-store.js';

const [spec, model, writer, count] = process.argv.slice(2) as [string, string, string, string];
const store = await openStore(spec);
for (let i = 0; i < Number(count); i++) {
  await store.record({ model, version: `w${writer}-v${i}`, stage: 'train_end', at: 1_700_000_000_000 + i, meta: { writer } });
  // Every writer also retries the same shared event: it must be stored once.
  await store.record({ model, version: 'shared', stage: 'deploy', at: 1_700_000_000_000, meta: null });
}
await store.close();
