import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { InboxFullError, openJournalInbox } from '../../src/adapters/inbox/journal-inbox.ts';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function journalPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'previewd-inbox-'));
  dirs.push(dir);
  return join(dir, 'inbox.journal');
}
const event = (delivery: string, payload: unknown = { action: 'opened' }) => ({ name: 'pull_request', delivery, payload });

describe('the journal inbox', () => {
  test('what was appended and not retired comes back after a reopen, oldest first, with its payload', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path });
    const ids = await Promise.all(['a', 'b', 'c', 'd'].map((d) => inbox.append(event(d, { n: d, text: 'ünïcode ✓' }))));
    assert.equal(new Set(ids).size, 4, 'distinct ids');
    inbox.retire(ids[1] as string);
    inbox.retire('no-such-id');
    await inbox.close();
    const again = await openJournalInbox({ path });
    assert.deepEqual(again.unretired().map((e) => e.delivery), ['a', 'c', 'd']);
    assert.deepEqual(again.unretired()[0]?.payload, { n: 'a', text: 'ünïcode ✓' });
    const next = await again.append(event('e'));
    assert.ok(Number(next) > Math.max(...ids.map(Number)), 'ids never repeat one given before');
    await again.close();
  });

  test('a torn last write is dropped, the records before it kept, and the file is whole again', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path });
    await inbox.append(event('a'));
    await inbox.append(event('b'));
    await inbox.close();
    const whole = await readFile(path);
    // A crash in the middle of a record's write: a prefix of it, no newline.
    await appendFile(path, whole.subarray(0, Math.floor(whole.length / 3)));
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => e.delivery), ['a', 'b']);
    await reopened.append(event('c'));
    await reopened.close();
    // Garbage of the right shape (a sector that never got its bytes) is refused by the checksum.
    await appendFile(path, '00000000 {"a":{"id":"99","name":"x","delivery":"forged","payload":{},"receivedAt":""}}\n');
    const last = await openJournalInbox({ path });
    assert.deepEqual(last.unretired().map((e) => e.delivery), ['a', 'b', 'c']);
    await last.close();
    assert.deepEqual((await readFile(path)).subarray(0, whole.length), whole, 'the whole records are untouched');
  });

  test('bounded: past maxEntries an append is refused with a reason, and retiring makes room', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path, maxEntries: 3 });
    const ids = await Promise.all(['a', 'b', 'c'].map((d) => inbox.append(event(d))));
    await assert.rejects(inbox.append(event('d')), (err: unknown) => err instanceof InboxFullError && /3 events not yet applied/.test(err.message));
    inbox.retire(ids[0] as string);
    await inbox.append(event('d'));
    await inbox.close();
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => e.delivery), ['b', 'c', 'd']);
    await reopened.close();
  });

  test('compacted: a long run of appends and retires keeps the file near the size of what is live', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path, compactBytes: 32 * 1024 });
    const filler = 'y'.repeat(1000);
    for (let i = 0; i < 300; i++) {
      const id = await inbox.append(event(`d-${i}`, { filler }));
      if (i % 10 !== 0) inbox.retire(id);
    }
    await inbox.close();
    const { size } = await stat(path);
    assert.ok(size < 32 * 1024 + 40 * 1100, `the journal is ${size} bytes after 300 KB of appends`);
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => e.delivery), Array.from({ length: 30 }, (_, k) => `d-${k * 10}`));
    await reopened.close();
  });

  test('the live entries are read back whole from the file, before and after a compaction, without a reopen', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path, compactBytes: 16 * 1024 });
    const filler = 'z'.repeat(1500);
    const kept: string[] = [];
    for (let i = 0; i < 60; i++) {
      const id = await inbox.append(event(`k-${i}`, { filler, i }));
      if (i % 7 === 0) kept.push(`k-${i}`);
      else inbox.retire(id);
      // Halfway and at the end: what is held is the same whatever compactions happened in between.
      if (i === 30 || i === 59) {
        const held = inbox.unretired();
        assert.deepEqual(held.map((e) => e.delivery), kept);
        assert.deepEqual(held.map((e) => e.payload), kept.map((d) => ({ filler, i: Number(d.slice(2)) })));
      }
    }
    await inbox.close();
    assert.ok((await stat(path)).size < 16 * 1024 + 10 * 1600, 'it was compacted');
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => e.delivery), kept);
    await reopened.close();
  });

  test('a payload appended with the JSON text it came as is journaled as that text and read back as the same value', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path });
    // Spaces between tokens and an escaped line break: kept byte for byte, not serialized again.
    const text = '{ "action" : "opened", "number": 7, "title": "ünï\\ncode \\u2713 ✓", "nested": {"list": [1, 2.50, null]} }';
    await inbox.append({ name: 'pull_request', delivery: 'as-sent', payload: JSON.parse(text), payloadJson: text });
    // A pretty-printed text has line breaks between its tokens: one record a line needs it serialized anew.
    const pretty = JSON.stringify({ action: 'closed', number: 8 }, null, 2);
    await inbox.append({ name: 'pull_request', delivery: 'pretty', payload: JSON.parse(pretty), payloadJson: pretty });
    await inbox.close();
    const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 2, 'one record a line');
    assert.ok(lines[0]?.includes(text), 'the text GitHub sent is in the journal as it was');
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => [e.delivery, e.payload]), [['as-sent', JSON.parse(text)], ['pretty', { action: 'closed', number: 8 }]]);
    await reopened.close();
  });

  test('concurrent appends across compactions (the descriptor held from round to round) lose nothing', async () => {
    const path = await journalPath();
    const inbox = await openJournalInbox({ path, compactBytes: 24 * 1024 });
    const text = JSON.stringify({ filler: 'q'.repeat(2000) });
    const kept: string[] = [];
    await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      const id = await inbox.append({ name: 'pull_request', delivery: `c-${i}`, payload: JSON.parse(text), payloadJson: text });
      if (i % 9 === 0) kept.push(`c-${i}`);
      else inbox.retire(id);
    }));
    // More after the burst's rounds ended (the descriptor closed) and again while they run.
    await Promise.all(Array.from({ length: 40 }, (_, i) => inbox.append({ name: 'pull_request', delivery: `late-${i}`, payload: { i } }).then(() => kept.push(`late-${i}`))));
    await inbox.close();
    assert.ok((await stat(path)).size < 24 * 1024 + 40 * 2100 + 40 * 200, 'it was compacted');
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => e.delivery).sort(), [...kept].sort());
    assert.ok(reopened.unretired().filter((e) => e.delivery.startsWith('c-')).every((e) => JSON.stringify(e.payload) === text), 'payloads whole');
    await reopened.close();
  });

  test('a file that is not a journal at all is read as empty up to its first bad record, never thrown on', async () => {
    const path = await journalPath();
    await writeFile(path, 'not a journal\n');
    const inbox = await openJournalInbox({ path });
    assert.deepEqual(inbox.unretired(), []);
    await inbox.append(event('a'));
    await inbox.close();
    const reopened = await openJournalInbox({ path });
    assert.deepEqual(reopened.unretired().map((e) => e.delivery), ['a']);
    await reopened.close();
  });

  test('a process killed with SIGKILL mid-append loses no append that had resolved', async () => {
    const path = await journalPath();
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../helpers/journal-child.ts'), path], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      const acks = () => out.split('\n').filter((l) => l.startsWith('ack ')).length;
      const wanted = 200 + round * 150;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the child acknowledged only ${acks()} appends in 60 s`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (acks() >= wanted) {
            clearTimeout(timer);
            child.kill('SIGKILL');
            resolve();
          }
        });
      });
      await new Promise((resolve) => child.once('exit', resolve));
      // Only whole lines: the kill may cut the last one.
      const lines = out.split('\n').slice(0, -1);
      const acked = lines.filter((l) => l.startsWith('ack ')).map((l) => l.slice(4));
      const retired = new Set(lines.filter((l) => l.startsWith('retire ')).map((l) => l.slice(7)));
      const inbox = await openJournalInbox({ path });
      const kept = inbox.unretired();
      const held = new Set(kept.map((e) => e.delivery));
      const lost = acked.filter((d) => !retired.has(d) && !held.has(d));
      assert.deepEqual(lost, [], `acknowledged and never retired, yet not in the journal after the kill (round ${round})`);
      assert.ok(acked.length >= wanted);
      for (const e of kept) assert.equal((e.payload as { filler: string }).filler.length, 2000, 'whole payloads');
      const ids = kept.map((e) => Number(e.id));
      assert.ok(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number)), 'oldest first');
      await inbox.close();
    }
  });
});
