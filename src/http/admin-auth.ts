import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

// Exactly as the README documents it: the scheme `Bearer` in that case, one space, the token, nothing
// after it. Anything else (`bearer`, a tab, two spaces, trailing whitespace) is not the documented form.
function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer ([^\s]+)$/.exec(header ?? '');
  return m ? (m[1] as string) : null;
}

function deny(reply: FastifyReply, status: number, error: string, message: string, challenge?: string): FastifyReply {
  if (challenge !== undefined) void reply.header('www-authenticate', challenge);
  return reply.code(status).send({ error, message });
}

/**
 * The write routes' guard, run on request (before the body is read or validated, so that nothing about
 * a request is looked at before its sender is known). `adminToken` null: the write API is off (403).
 * The token is compared as SHA-256 digests with timingSafeEqual: equal lengths whatever was sent, and
 * no early exit that would time out the secret byte by byte.
 */
export function adminAuth(adminToken: string | null): onRequestHookHandler {
  const expected = adminToken === null ? null : digest(adminToken);
  return async function checkAdminToken(request: FastifyRequest, reply: FastifyReply) {
    if (expected === null) {
      return deny(reply, 403, 'write_api_off', 'the write API is off: set ADMIN_TOKEN in previewd\'s environment, restart it, and send the token as Authorization: Bearer <ADMIN_TOKEN>');
    }
    const given = bearerToken(request.headers.authorization);
    if (given === null) {
      return deny(reply, 401, 'unauthorized', 'this route needs the admin token: send Authorization: Bearer <ADMIN_TOKEN>', 'Bearer realm="previewd"');
    }
    if (!timingSafeEqual(digest(given), expected)) {
      return deny(reply, 401, 'unauthorized', 'the bearer token is not the admin token: send the ADMIN_TOKEN previewd runs with', 'Bearer realm="previewd", error="invalid_token"');
    }
    return undefined;
  };
}
