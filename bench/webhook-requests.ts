import { createHash } from 'node:crypto';
import { githubHeaders, pullRequestPayload, type PullRequestShape } from '../test/helpers/webhook-examples.ts';

/** The size the issue asks of a benchmark payload; a recorded pull_request payload is about 23 KB. */
export const PAYLOAD_BYTES = 25 * 1024;

/** A plausible head sha for PR `pr` (40 hex digits, distinct per PR and per `salt`). */
export function headSha(pr: number, salt = ''): string {
  return createHash('sha1').update(`${salt}${pr}`).digest('hex');
}

/**
 * A recorded `pull_request` payload moved onto `shape`, grown to exactly `bytes` by a longer PR
 * description: the part of a real payload whose length varies most, so the JSON stays what GitHub sends.
 */
export function paddedPayload(shape: PullRequestShape, bytes = PAYLOAD_BYTES): string {
  const payload = pullRequestPayload(shape);
  const base = String(payload.pull_request.body ?? '');
  const room = bytes - Buffer.byteLength(JSON.stringify(payload));
  if (room < 1) throw new Error(`a pull_request payload is already ${bytes} bytes or more`);
  // One long paragraph of plain ASCII (no newline, quote or backslash): JSON escaping leaves it as long as it is.
  const sentence = 'This change is described at length, as some pull requests are. ';
  payload.pull_request.body = `${base}${sentence.repeat(Math.ceil(room / sentence.length)).slice(0, room)}`;
  const body = JSON.stringify(payload);
  if (Buffer.byteLength(body) !== bytes) throw new Error(`padded payload is ${Buffer.byteLength(body)} bytes, not ${bytes}`);
  return body;
}

/**
 * The raw HTTP/1.1 request GitHub would send for `body`, signed with `secret`, as the parts a socket
 * writes: head and body. The signature covers the body only, so one signed body serves any number of
 * deliveries: `withDelivery` swaps the X-GitHub-Delivery header, which previewd must see fresh each time.
 */
export async function signedRequest(host: string, secret: string, event: string, body: string): Promise<{ body: Buffer; withDelivery(id: string): Buffer[] }> {
  const headers = await githubHeaders(secret, body, event, 'DELIVERY');
  const bytes = Buffer.from(body);
  const lines = [`POST /webhooks/github HTTP/1.1`, `host: ${host}`, `content-length: ${bytes.length}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) if (name !== 'x-github-delivery') lines.push(`${name}: ${value}`);
  const head = `${lines.join('\r\n')}\r\nx-github-delivery: `;
  return { body: bytes, withDelivery: (id) => [Buffer.from(`${head}${id}\r\n\r\n`, 'latin1'), bytes] };
}
