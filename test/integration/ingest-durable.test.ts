import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { openJournalInbox } from '../../src/adapters/inbox/journal-inbox.ts';
import { createLogger } from '../../src/adapters/logger.ts';
import { buildApp } from '../../src/app.ts';
import { createDeliveryLog } from '../../src/http/delivery-log.ts';
import type { WebhookEvent } from '../../src/http/webhook-event.ts';
import type { Inbox } from '../../src/ports/inbox.ts';
import { canMount, mountSmallTmpfs, type SmallTmpfs } from '../helpers/small-tmpfs.ts';
import { pullRequestPayload } from '../helpers/webhook-examples.ts';

const SECRET = 'ingest-durable-secret';
const sign = (body: Buffer, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The webhook route with the real journal inbox on a small tmpfs, and the log it writes. */
describe('ingest: 202 only once an event is durable', { skip: canMount() ? false : 'needs root to mount a small tmpfs' }, () => {
  let disk: SmallTmpfs;
  let inbox: Inbox;
  let app: FastifyInstance;
  const handled: WebhookEvent[] = [];
  const lines: string[] = [];
  before(async () => {
    disk = await mountSmallTmpfs('256k');
    inbox = await openJournalInbox({ path: `${disk.dir}/inbox.journal` });
    app = await buildApp({
      logger: createLogger('info', { write: (line: string) => void lines.push(line) }),
      webhooks: { secrets: [SECRET], bodyLimit: 1024 * 1024, deliveries: createDeliveryLog(), inbox, handle: (event) => (handled.push(event), { accepted: true }) },
      health: { readiness: () => ({ ready: inbox.notReady().length === 0, reasons: inbox.notReady() }) },
    });
    await app.ready();
  });
  after(async () => {
    await app?.close();
    await inbox?.close();
    await disk?.close();
  });

  function post(body: Buffer, delivery: string, signature = sign(body), url = '/webhooks/github') {
    return app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': delivery, 'x-hub-signature-256': signature } });
  }
  const body = (pr: number) => Buffer.from(JSON.stringify(pullRequestPayload({ owner: 'demo', repo: 'app', pr, sha: 'a'.repeat(40) })));

  test('an accepted event is in the journal before its 202, with the id handed on', async () => {
    const res = await post(body(1), 'd-1');
    assert.equal(res.statusCode, 202, res.body);
    const entry = inbox.unretired().find((e) => e.delivery === 'd-1');
    assert.ok(entry, 'journaled');
    assert.equal(handled.at(-1)?.inboxId, entry.id);
  });

  test('a full disk: 503 not_durable with the reason, nothing handed on, /readyz says why; freed, the redelivery is accepted as new', async () => {
    await disk.fill();
    const before = handled.length;
    // The journal's last page may still have room: appends fit until it is used up.
    let res = await post(body(2), 'd-2');
    let fitted = 0;
    while (res.statusCode === 202 && fitted < 40) {
      fitted++;
      res = await post(body(2), `d-2-fit-${fitted}`);
    }
    assert.equal(res.statusCode, 503, res.body);
    const refused = fitted === 0 ? 'd-2' : `d-2-fit-${fitted}`;
    assert.ok(!inbox.unretired().some((e) => e.delivery === refused), 'the refused one is not journaled');
    const answer = res.json() as { error: string; message: string };
    assert.equal(answer.error, 'not_durable');
    assert.match(answer.message, /ENOSPC/);
    assert.match(answer.message, /Redeliver/);
    assert.equal(handled.length, before + fitted, 'the refused one is not handed on');
    const ready = await app.inject('/readyz');
    assert.equal(ready.statusCode, 503);
    assert.match(ready.body, /cannot be made durable.*ENOSPC/);
    await disk.free();
    // /readyz finds the disk back on its own (a probe write), with no event needed.
    let status = 503;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await app.inject('/readyz')).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 200, 'ready once the disk has room');
    const again = await post(body(2), refused);
    assert.equal(again.statusCode, 202, again.body);
    assert.deepEqual(again.json(), { accepted: true }, 'taken as new, not as a duplicate of the refused one');
    assert.ok(inbox.unretired().some((e) => e.delivery === refused));
  });

  test('a read-only disk: 503 with EROFS; read-write again: accepted', async () => {
    await disk.readOnly(true);
    try {
      const res = await post(body(3), 'd-3');
      assert.equal(res.statusCode, 503, res.body);
      assert.match(res.body, /EROFS/);
    } finally {
      await disk.readOnly(false);
    }
    assert.equal((await post(body(3), 'd-3')).statusCode, 202);
  });

  test('the signature is checked over the exact bytes: invalid UTF-8 correctly signed is signed (then parsed as JSON)', async () => {
    // A payload with a byte sequence that is not UTF-8 inside a JSON string: decoding would change it.
    const raw = Buffer.concat([Buffer.from('{"action":"opened","note":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const signed = await post(raw, 'd-utf8');
    assert.notEqual(signed.statusCode, 401, signed.body);
    assert.equal(signed.statusCode, 202, 'signed and valid JSON once decoded');
    const decodedSignature = sign(Buffer.from(raw.toString('utf8')));
    assert.equal((await post(raw, 'd-utf8-2', decodedSignature)).statusCode, 401, 'a signature of the decoded text is not one of the bytes');
    const broken = Buffer.concat([Buffer.from('{"action":'), Buffer.from([0xff]), Buffer.from('}')]);
    const notJson = await post(broken, 'd-utf8-3');
    assert.equal(notJson.statusCode, 400, 'signed, then refused as not JSON');
  });

  test('no query value reaches the log', async () => {
    const token = 'ghp_queryStringSecret0123456789';
    await app.inject({ method: 'GET', url: `/readyz?token=${token}&x=1` });
    await post(body(4), 'd-4', undefined, `/webhooks/github?secret=${token}`);
    const text = lines.join('');
    assert.ok(!text.includes(token), 'the token in a query string is not logged');
    assert.match(text, /\/readyz\?token=\[redacted\]&x=\[redacted\]/, 'the path and the names are');
  });
});
