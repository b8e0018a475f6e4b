import { createHash } from 'node:crypto';
import type { PackEntry } from './pack-writer.ts';

// Offsets at or above 2^31 go in a second table of 8-byte offsets (git's large-offset rule).
const LARGE = 0x80000000;

/**
 * The version 2 index (`.idx`) of a pack whose entries are known, as `git index-pack` would write it:
 * magic and version, the fan-out table, the sorted object ids, their CRC-32s, their offsets (large ones
 * in a table of their own), the pack's checksum and the index's own. The pack is not read again:
 * isomorphic-git's indexPack parses and hashes every object of it in JavaScript, which made packing
 * the clone several seconds of a burst.
 */
export function packIndex(entries: readonly PackEntry[], packChecksum: Buffer): Buffer {
  const sorted = [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0));
  const n = sorted.length;
  const large = sorted.filter((e) => e.offset >= LARGE);
  const out = Buffer.alloc(8 + 256 * 4 + n * (20 + 4 + 4) + large.length * 8 + 20 + 20);
  out.writeUInt32BE(0xff744f63, 0);
  out.writeUInt32BE(2, 4);
  const fanout = new Array<number>(256).fill(0);
  for (const e of sorted) fanout[parseInt(e.oid.slice(0, 2), 16)] = (fanout[parseInt(e.oid.slice(0, 2), 16)] ?? 0) + 1;
  let total = 0;
  for (let i = 0; i < 256; i++) {
    total += fanout[i] ?? 0;
    out.writeUInt32BE(total, 8 + i * 4);
  }
  const names = 8 + 256 * 4;
  const crcs = names + n * 20;
  const offsets = crcs + n * 4;
  const largeOffsets = offsets + n * 4;
  let nextLarge = 0;
  sorted.forEach((e, i) => {
    out.write(e.oid, names + i * 20, 'hex');
    out.writeUInt32BE(e.crc >>> 0, crcs + i * 4);
    if (e.offset < LARGE) {
      out.writeUInt32BE(e.offset, offsets + i * 4);
    } else {
      out.writeUInt32BE((LARGE | nextLarge) >>> 0, offsets + i * 4);
      out.writeBigUInt64BE(BigInt(e.offset), largeOffsets + nextLarge * 8);
      nextLarge++;
    }
  });
  const trailer = largeOffsets + large.length * 8;
  packChecksum.copy(out, trailer);
  createHash('sha1').update(out.subarray(0, trailer + 20)).digest().copy(out, trailer + 20);
  return out;
}
