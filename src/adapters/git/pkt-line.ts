/** Git's pkt-line framing: four hex digits of length (including themselves), then the payload. */
export function pktLine(payload: string | Uint8Array): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  return Buffer.concat([Buffer.from((body.length + 4).toString(16).padStart(4, '0'), 'ascii'), body]);
}

export const FLUSH = Buffer.from('0000', 'ascii');

/** Splits a buffer of pkt-lines into payloads; a flush packet yields null. Stops at malformed framing. */
export function parsePktLines(buffer: Uint8Array): Array<Buffer | null> {
  const data = Buffer.from(buffer);
  const out: Array<Buffer | null> = [];
  let at = 0;
  while (at + 4 <= data.length) {
    const length = Number.parseInt(data.subarray(at, at + 4).toString('ascii'), 16);
    if (Number.isNaN(length)) break;
    if (length === 0) {
      out.push(null);
      at += 4;
      continue;
    }
    if (length < 4 || at + length > data.length) break;
    out.push(data.subarray(at + 4, at + length));
    at += length;
  }
  return out;
}
