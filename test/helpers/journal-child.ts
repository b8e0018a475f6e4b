// A child process that appends events to a journal inbox as fast as it can. It prints `ack <delivery>`
// once an append resolved (is durable) and `retire <delivery>` before it retires one; the parent kills
// it with SIGKILL mid-append and checks that every acknowledged, unretired delivery is in the journal.
import { openJournalInbox } from '../../src/adapters/inbox/journal-inbox.ts';

const path = process.argv[2] as string;
const inbox = await openJournalInbox({ path, compactBytes: 64 * 1024 });
const payload = { action: 'opened', filler: 'x'.repeat(2000) };
let n = 0;
for (;;) {
  const batch = Array.from({ length: 8 }, () => `d-${process.pid}-${++n}`);
  await Promise.all(batch.map(async (delivery, i) => {
    const id = await inbox.append({ name: 'pull_request', delivery, payload });
    process.stdout.write(`ack ${delivery}\n`);
    // Retire some, so that retire records and compaction run too while the parent may kill.
    if (i % 2 === 0) {
      process.stdout.write(`retire ${delivery}\n`);
      inbox.retire(id);
    }
  }));
}
