import { verify } from 'node:crypto';
import type { FakeApp } from './state.ts';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: { iat?: unknown; exp?: unknown; iss?: unknown } & Record<string, unknown>;
  signature: Buffer;
  signed: string;
}

/** Splits a compact JWT without trusting it; null when it is not one. */
export function decodeJwt(jwt: string): DecodedJwt | null {
  const parts = jwt.split('.');
  if (parts.length !== 3) return null;
  try {
    const [header, payload, signature] = parts as [string, string, string];
    return {
      header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
      payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DecodedJwt['payload'],
      signature: Buffer.from(signature, 'base64url'),
      signed: `${header}.${payload}`,
    };
  } catch {
    return null;
  }
}

/**
 * Checks an App JWT as GitHub does: RS256, signed by the App's key, `iss` naming a known App, issued
 * not in the future and expiring within ten minutes. The messages are GitHub's.
 */
export function verifyAppJwt(jwt: string, apps: ReadonlyMap<number, FakeApp>, nowSeconds: number): { ok: true; app: FakeApp; jwt: DecodedJwt } | { ok: false; message: string } {
  const decoded = decodeJwt(jwt);
  if (!decoded || decoded.header.alg !== 'RS256') return { ok: false, message: 'A JSON web token could not be decoded' };
  const app = apps.get(Number(decoded.payload.iss));
  if (!app) return { ok: false, message: 'Integration not found' };
  if (!verify('sha256', Buffer.from(decoded.signed), app.publicKey, decoded.signature)) {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  const { iat, exp } = decoded.payload;
  if (!Number.isInteger(iat) || (iat as number) > nowSeconds + 60) {
    return { ok: false, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued" };
  }
  if (!Number.isInteger(exp) || (exp as number) <= nowSeconds) {
    return { ok: false, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires" };
  }
  if ((exp as number) > nowSeconds + 600) return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  return { ok: true, app, jwt: decoded };
}
