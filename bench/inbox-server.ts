// The inbox bench's contender, run as its own process: previewd's own webhook route (signature, delivery
// log, the journal inbox in the folder given, fsyncs shared by concurrent deliveries) in front of a handler
// that only accepts, as the reconciler's enqueue does. `memory` leaves the inbox out (the route alone).
// Prints its URL as the first line of stdout; exits on SIGTERM.
import { join } from 'node:path';
import { openJournalInbox } from '../src/adapters/inbox/journal-inbox.ts';
import { createLogger } from '../src/adapters/logger.ts';
import { buildApp } from '../src/app.ts';
import { createDeliveryLog } from '../src/http/delivery-log.ts';

const [mode, dir, secret] = process.argv.slice(2);
if ((mode !== 'journal' && mode !== 'memory') || !dir || !secret) throw new Error('usage: inbox-server.ts journal|memory DIR SECRET');
const inbox = mode === 'journal' ? await openJournalInbox({ path: join(dir, 'inbox.journal'), maxEntries: 10_000_000 }) : undefined;
let next = 0;
const app = await buildApp({
  logger: createLogger('warn'),
  webhooks: {
    secrets: [secret], bodyLimit: 5 * 1024 * 1024, deliveries: createDeliveryLog(), ...(inbox ? { inbox } : {}),
    // Retired at once half the time: the journal sees its retire records too, and compacts as in service.
    handle: (event) => {
      if (inbox && event.inboxId !== undefined && next++ % 2 === 0) inbox.retire(event.inboxId);
      return { accepted: true };
    },
  },
  health: { readiness: () => ({ ready: true, reasons: [] }) },
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => inbox?.close()).then(() => process.exit(0)));
