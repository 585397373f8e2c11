// docs/stripe.md's dunning e-mail example runs as written: a signed `invoice.payment_failed`
// delivery goes in, and nodemailer (its JSON transport, standing in for SMTP) sends the e-mail
// renderDunningEmail wrote, with a working link to the update page. The code is taken from the
// document itself, so an edit that breaks it fails here.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import Stripe from 'stripe';
import { verifyLinkToken } from '../../src/server/index.js';

const SECRET = 'docs-secret-0123456789-abcdefghijklmnop';
const WEBHOOK_SECRET = 'whsec_docs_example';
const DOC = readFileSync('docs/stripe.md', 'utf8');
const example = [...DOC.matchAll(/^```js\n([\s\S]*?)^```/gm)]
  .map((m) => m[1]!)
  .find((code) => code.includes('renderDunningEmail('));

// Inside the package, so the example's bare imports resolve from its node_modules.
const dir = `.snippets-email-${process.pid}`;
mkdirSync(dir, { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/stripe.md: the dunning e-mail example', () => {
  it('turns a signed invoice.payment_failed into an e-mail with a link to the update page', async () => {
    assert.ok(example, 'docs/stripe.md has the renderDunningEmail example');
    const sent: { envelope: unknown; message: string }[] = [];
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const globals = globalThis as Record<string, unknown>;
    globals.__docsMailer = {
      sendMail: async (mail: nodemailer.SendMailOptions) => {
        const info = (await transport.sendMail(mail)) as { envelope: unknown; message: string };
        sent.push(info);
        return info;
      },
    };
    process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
    process.env.CARDKEEP_LINK_SECRET = SECRET;
    const server = pathToFileURL(resolve('src/server/index.ts')).href;
    assert.match(example, /nodemailer\.createTransport\(process\.env\.SMTP_URL\)/);
    const source = [
      // What the example says the reader already has: the Stripe client and the store.
      "import Stripe from 'stripe';",
      `import { MemoryStore } from '${server}';`,
      "const stripe = new Stripe('sk_test_docs');",
      'const store = MemoryStore.demo();',
      example
        .replace("from 'cardkeep/server'", `from '${server}'`)
        .replace('nodemailer.createTransport(process.env.SMTP_URL)', 'globalThis.__docsMailer'),
    ].join('\n');
    const file = join(dir, 'example.mjs');
    writeFileSync(file, source);
    const { webhook } = (await import(pathToFileURL(file).href)) as {
      webhook: (request: Request) => Promise<Response>;
    };

    const payload = JSON.stringify({
      id: 'evt_docs_1',
      object: 'event',
      type: 'invoice.payment_failed',
      api_version: '2025-09-30.clover',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: 'in_docs_1',
          object: 'invoice',
          customer: 'cus_demo',
          customer_email: 'hanako@example.jp',
          customer_shipping: { address: { country: 'JP' } },
          amount_due: 1980,
          currency: 'jpy',
        },
      },
    });
    const signature = new Stripe('sk_test_docs').webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
    });
    const response = await webhook(
      new Request('https://shop.example/stripe/webhooks', {
        method: 'POST',
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
        body: payload,
      }),
    );
    assert.equal(response.status, 200);
    assert.equal(sent.length, 1, 'one e-mail');
    const mail = JSON.parse(sent[0]!.message) as {
      to: { address: string }[];
      from: { address: string; name: string };
      subject: string;
      text: string;
      html: string;
    };
    assert.equal(mail.to[0]!.address, 'hanako@example.jp');
    assert.equal(mail.from.name, 'Hinata Coffee Club');
    assert.match(mail.subject, /^【Hinata Coffee Club】お支払いを完了できませんでした/);
    assert.ok(mail.text.includes('佐藤 様'), 'greets by family name');
    assert.ok(mail.text.includes('2019年からのご愛顧'));
    assert.ok(mail.text.includes('1,980'));
    const link = /https:\/\/shop\.example\/cardkeep\/update\?[^\s"<]+/.exec(mail.text)?.[0];
    assert.ok(link, 'the text part carries the link');
    const url = new URL(link);
    assert.equal(url.searchParams.get('lang'), 'ja');
    const verified = verifyLinkToken(url.searchParams.get('cardkeep_token')!, { secret: SECRET });
    assert.ok(verified.ok && verified.claims.customerId === 'cus_demo');
    assert.ok(mail.html.includes(link.replaceAll('&', '&amp;')), 'the button is the same link');
  });
});
