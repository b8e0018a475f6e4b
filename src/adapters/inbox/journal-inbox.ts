import { promises as fsp, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Inbox, InboxAppend, InboxEntry } from '../../ports/inbox.ts';
import { syncDir } from '../durable-files.ts';
import { translateStorageError } from '../storage-error.ts';
import { decodeLine, encodeRecord, parseJournal } from './journal-records.ts';

/** The inbox holds as many unapplied events as it may: previewd is far behind. Transient. */
export class InboxFullError extends Error {
  override name = 'InboxFullError';
  readonly transient = true;
}

export interface JournalInboxOptions {
  /** The journal file (in DATA_DIR). */
  path: string;
  /** Most unretired entries held; an append beyond is refused. Default 20,000. */
  maxEntries?: number;
  /** Rewritten with only its live records once it is this large and mostly retired. Default 16 MiB. */
  compactBytes?: number;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

interface Pending {
  bytes: Buffer;
  id: string;
  resolve: (id: string) => void;
  reject: (err: unknown) => void;
}

/** Where a live record is in the journal file. */
interface Place {
  offset: number;
  bytes: number;
}

// writev may write less than asked (like write); the rest goes in further calls.
async function writeAll(handle: fsp.FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const rest = buffers.filter((b) => b.length > 0);
  let at = position;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest, at);
    at += bytesWritten;
    while (rest.length > 0 && bytesWritten >= (rest[0] as Buffer).length) bytesWritten -= (rest.shift() as Buffer).length;
    if (bytesWritten > 0 && rest.length > 0) rest[0] = (rest[0] as Buffer).subarray(bytesWritten);
  }
}

/**
 * The inbox as an append-only journal file. Appends are queued and written by one loop: each round
 * writes every record queued since the last round with one write and one fdatasync (group commit),
 * so concurrent deliveries share a sync. Writes go at the end of the last whole record (positional),
 * so a failed write's partial bytes are overwritten by the next one and a torn tail is dropped on open.
 */
export async function openJournalInbox(options: JournalInboxOptions): Promise<Inbox> {
  const { path } = options;
  const maxEntries = options.maxEntries ?? 20_000;
  const compactBytes = options.compactBytes ?? 16 * 1024 * 1024;
  const now = options.now ?? (() => new Date());
  await fsp.mkdir(dirname(path), { recursive: true });
  let data: Buffer;
  try {
    data = await fsp.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw translateStorageError(err, `reading the inbox journal ${path}`);
    data = Buffer.alloc(0);
  }
  const parsed = parseJournal(data);
  // Where each live record is in the file, not the event itself: a burst's payloads (25 KB each as
  // JSON, several times that parsed) would otherwise stay in memory until their work is published.
  // The few readers of whole entries (the replay at start, compaction) read them back from the file.
  const live = new Map<string, Place>([...parsed.live].map(([id, l]) => [id, { offset: l.offset, bytes: l.bytes }]));
  let lastId = parsed.lastId;
  let size = parsed.goodBytes;
  let liveBytes = [...live.values()].reduce((sum, l) => sum + l.bytes, 0);
  if (data.length === 0) {
    await fsp.writeFile(path, '', { flag: 'a' }).catch((err: unknown) => {
      throw translateStorageError(err, `creating the inbox journal ${path}`);
    });
    await syncDir(dirname(path)).catch(() => undefined);
  }
  // A torn last write (a crash mid-append) or a big, mostly retired file: start from its live records.
  let tornTail = size < data.length;
  let queue: Pending[] = [];
  let retires: string[] = [];
  let loop: Promise<void> | null = null;
  let lastError: unknown = null;
  let lastProbe = 0;
  let closed = false;
  let handle: fsp.FileHandle | null = null;

  async function closeHandle(): Promise<void> {
    const open = handle;
    handle = null;
    await open?.close().catch(() => undefined);
  }

  async function rewrite(): Promise<void> {
    // The held descriptor would go on writing to the file the rename replaces.
    await closeHandle();
    const tmp = `${path}.compact`;
    const current = await fsp.readFile(path);
    const places = [...live.values()];
    const bytes = Buffer.concat(places.map((place) => current.subarray(place.offset, place.offset + place.bytes)));
    const out = await fsp.open(tmp, 'w');
    try {
      await out.write(bytes, 0, bytes.length, 0);
      await out.sync();
    } finally {
      await out.close();
    }
    await fsp.rename(tmp, path);
    // The records are where the new file has them from here on (no await in between: no reader sees a mix).
    let at = 0;
    for (const place of places) {
      place.offset = at;
      at += place.bytes;
    }
    await syncDir(dirname(path));
    size = bytes.length;
    liveBytes = bytes.length;
    tornTail = false;
  }

  async function round(): Promise<void> {
    const batch = queue;
    const retired = retires;
    queue = [];
    retires = [];
    const retireBytes = Buffer.concat(retired.map((id) => encodeRecord({ kind: 'retire', id })));
    // Written as they are, in one call (a gathering write: the records are not copied into one buffer).
    const buffers = [retireBytes, ...batch.map((p) => p.bytes)];
    const total = buffers.reduce((sum, b) => sum + b.length, 0);
    try {
      // Held only while rounds follow one another (closed when the loop ends, and after a failure): a
      // volume that turns read-only says so (EROFS) to the next round, and an idle journal holds no
      // descriptor, so an operator can remount it. A burst pays for one open, not one per round.
      handle ??= await fsp.open(path, 'r+');
      if (tornTail) await handle.truncate(size);
      tornTail = false;
      await writeAll(handle, buffers, size);
      // A round of retires only is not synced (losing it costs a harmless replay), unless it probes a failed disk.
      if (batch.length > 0 || lastError !== null) await handle.datasync();
    } catch (err) {
      await closeHandle();
      tornTail = true;
      const translated = translateStorageError(err, `writing the inbox journal ${path}`);
      lastError = translated;
      retires.unshift(...retired);
      for (const p of batch) p.reject(translated);
      return;
    }
    let offset = size + retireBytes.length;
    size += total;
    lastError = null;
    for (const p of batch) {
      live.set(p.id, { offset, bytes: p.bytes.length });
      offset += p.bytes.length;
      liveBytes += p.bytes.length;
      p.resolve(p.id);
    }
    if (size >= compactBytes && liveBytes * 2 < size) {
      await rewrite().catch((err: unknown) => {
        options.log?.warn({ err: translateStorageError(err, 'compacting the inbox journal') }, 'could not compact the inbox journal; it keeps growing until it can');
        tornTail = true;
      });
    }
  }

  // One loop writes; what is queued while a round runs goes in the next. Retires left behind by a failed
  // round wait for the next append or probe rather than spin on a disk that refuses them.
  function kick(): void {
    if (loop) return;
    loop = (async () => {
      while (queue.length > 0 || retires.length > 0) {
        await round();
        if (lastError !== null && queue.length === 0) break;
      }
      await closeHandle();
    })().finally(() => {
      loop = null;
      // Queued between the loop's last check and here (a resolved append's caller retiring at once).
      if (queue.length > 0 || (retires.length > 0 && lastError === null)) kick();
    });
  }

  if (tornTail || (size >= compactBytes && liveBytes * 2 < size)) {
    await rewrite().catch((err: unknown) => {
      throw translateStorageError(err, `repairing the inbox journal ${path}`);
    });
  }

  return {
    append(event: InboxAppend) {
      if (closed) return Promise.reject(new Error('the inbox is closed'));
      if (live.size + queue.length >= maxEntries) {
        return Promise.reject(new InboxFullError(`the inbox holds ${maxEntries} events not yet applied: previewd is far behind (is the GitOps remote reachable?); deliver this event again later`));
      }
      lastId += 1;
      const entry: InboxEntry = { id: String(lastId), name: event.name, delivery: event.delivery, payload: event.payload, receivedAt: now().toISOString() };
      const bytes = encodeRecord({ kind: 'append', entry }, event.payloadJson);
      return new Promise<string>((resolve, reject) => {
        queue.push({ bytes, id: entry.id, resolve, reject });
        kick();
      });
    },
    retire(id) {
      const held = live.get(id);
      if (!held) return;
      live.delete(id);
      liveBytes -= held.bytes;
      retires.push(id);
      kick();
    },
    unretired() {
      if (live.size === 0) return [];
      let current: Buffer;
      try {
        current = readFileSync(path);
      } catch (err) {
        throw translateStorageError(err, `reading the inbox journal ${path}`);
      }
      return [...live.values()].flatMap((place) => {
        const record = decodeLine(current.subarray(place.offset, place.offset + place.bytes - 1));
        return record?.kind === 'append' ? [record.entry] : [];
      });
    },
    notReady() {
      if (lastError === null) return [];
      // Nothing may arrive to find out that the disk is back: asked, write a record that changes nothing
      // (the retirement of an id never given), at most once a second.
      if (!loop && !closed && Date.now() - lastProbe >= 1000) {
        lastProbe = Date.now();
        retires.push('0');
        kick();
      }
      return [`accepted events cannot be made durable: ${lastError instanceof Error ? lastError.message : String(lastError)}`];
    },
    async close() {
      closed = true;
      while (loop) await loop;
    },
  };
}

/** The journal's place in DATA_DIR. */
export function inboxJournalPath(dataDir: string): string {
  return join(dataDir, 'inbox.journal');
}
