import { crc32 } from 'node:zlib';
import type { InboxEntry } from '../../ports/inbox.ts';

/** One line of the journal: an accepted event, or the retirement of one. */
export type JournalRecord = { kind: 'append'; entry: InboxEntry } | { kind: 'retire'; id: string };

/**
 * `<crc32 of the JSON, 8 hex digits> <JSON>\n`. The checksum and the final newline tell a whole record
 * from a torn one (a crash in the middle of a write leaves a prefix, or a sector of garbage).
 */
export function encodeRecord(record: JournalRecord, payloadJson?: string): Buffer {
  // Encoded once into the record's own buffer (a 25 KB payload is not copied again to frame it).
  const text = recordJson(record, payloadJson);
  const length = Buffer.byteLength(text, 'utf8');
  const line = Buffer.allocUnsafe(9 + length + 1);
  line.write(text, 9, 'utf8');
  line.write(`${crc32(line.subarray(9, 9 + length)).toString(16).padStart(8, '0')} `, 0, 'latin1');
  line[9 + length] = 0x0a;
  return line;
}

// An append's payload goes in as the text it was parsed from when there is one: the same JSON value,
// without serializing it again. The payload is the record's last member, so the text is spliced in place
// of the `null` stringified for it. A text with a line break (whitespace between its tokens: inside a
// JSON string one is escaped) would break the one-record-a-line format, so then it is serialized anew.
function recordJson(record: JournalRecord, payloadJson: string | undefined): string {
  if (record.kind === 'retire') return JSON.stringify({ r: record.id });
  if (payloadJson === undefined || payloadJson.includes('\n') || payloadJson.includes('\r')) return JSON.stringify({ a: record.entry });
  const fields: Partial<InboxEntry> = { ...record.entry };
  delete fields.payload;
  const head = JSON.stringify({ a: { ...fields, payload: null } });
  return `${head.slice(0, -'null}}'.length)}${payloadJson}}}`;
}

/** A record's line without its newline, or null when it is not whole (checksum, JSON, shape). */
export function decodeLine(line: Buffer): JournalRecord | null {
  if (line.length < 10 || line[8] !== 0x20) return null;
  const json = line.subarray(9);
  if (line.subarray(0, 8).toString('latin1') !== crc32(json).toString(16).padStart(8, '0')) return null;
  try {
    const value = JSON.parse(json.toString('utf8')) as { a?: InboxEntry; r?: string };
    if (value.a && typeof value.a.id === 'string') return { kind: 'append', entry: value.a };
    if (typeof value.r === 'string') return { kind: 'retire', id: value.r };
  } catch {
    return null;
  }
  return null;
}

export interface ParsedJournal {
  /** The entries appended and not retired, oldest first, with where each one's record is in the file. */
  live: Map<string, { entry: InboxEntry; offset: number; bytes: number }>;
  /** The length of the whole records at the start of the file; anything after is a torn write. */
  goodBytes: number;
  /** The highest id seen (retired or not), so that new ids never repeat one. */
  lastId: number;
}

/** Reads the records in order, up to the first one that is not whole (a torn last write: dropped). */
export function parseJournal(data: Buffer): ParsedJournal {
  const live = new Map<string, { entry: InboxEntry; offset: number; bytes: number }>();
  let at = 0;
  let lastId = 0;
  while (at < data.length) {
    const end = data.indexOf(0x0a, at);
    if (end < 0) break;
    const record = decodeLine(data.subarray(at, end));
    if (record === null) break;
    if (record.kind === 'append') {
      live.set(record.entry.id, { entry: record.entry, offset: at, bytes: end + 1 - at });
      lastId = Math.max(lastId, Number(record.entry.id) || 0);
    } else {
      live.delete(record.id);
    }
    at = end + 1;
  }
  return { live, goodBytes: at, lastId };
}
