import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_RE = /^sha256=([0-9a-f]{64})$/;

/**
 * Whether `signature` (the X-Hub-Signature-256 header, `sha256=<hex>`) is the HMAC-SHA256 of the exact
 * bytes received under `secret`. Computed over the bytes, never over a decoded string: a body that is
 * not valid UTF-8 decodes lossily, and its correct signature would then not match.
 */
export function verifySignature(secret: string, body: Buffer, signature: string): boolean {
  const m = SIGNATURE_RE.exec(signature);
  if (!m) return false;
  const given = Buffer.from(m[1] as string, 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}
