import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chunkedBody } from '../../src/http/dashboard/chunked-body.ts';

async function read(parts: ReadonlyArray<string | Buffer>): Promise<{ length: number; bytes: Buffer; chunks: number[] }> {
  const { length, body } = chunkedBody(parts);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return { length, bytes: Buffer.concat(chunks), chunks: chunks.map((c) => c.length) };
}

describe('the list page body: parts joined in chunks', () => {
  test('the bytes and the length are those of the parts in order, text as UTF-8', async () => {
    const parts = ['<p>✓ ', Buffer.from('↗ é'), '', Buffer.alloc(0), '</p>\n'];
    const { length, bytes } = await read(parts);
    assert.equal(bytes.toString(), '<p>✓ ↗ é</p>\n');
    assert.equal(length, bytes.length);
  });

  test('parts across chunk boundaries and larger than a chunk keep their order; no chunk is over 64 KiB unless one part is', async () => {
    const parts: Array<string | Buffer> = [];
    for (let i = 0; i < 300; i++) parts.push(i % 3 ? `<tr>${'x'.repeat(1000 + i)}</tr>` : Buffer.from(`<tr>${'✓'.repeat(400 + i)}</tr>`));
    parts.splice(100, 0, Buffer.alloc(200_000, 'a'));
    parts.splice(101, 0, 'b'.repeat(70_000));
    const { length, bytes, chunks } = await read(parts);
    const expected = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    assert.ok(bytes.equals(expected));
    assert.equal(length, expected.length);
    assert.ok(chunks.every((n) => n <= 64 * 1024 || n === 200_000 || n === 70_000), `chunks: ${chunks.join(', ')}`);
    assert.ok(chunks.length < parts.length / 10, 'small parts are joined');
  });

  test('no parts: an empty body', async () => {
    assert.deepEqual(await read([]), { length: 0, bytes: Buffer.alloc(0), chunks: [] });
  });
});
