// The self-hosted update page over HTTP, as a browser without JavaScript, a mail scanner and a
// curious visitor meet it: every answer's security headers, the scanner pattern (HEAD and
// repeated GETs never spend a link), dead links and their way forward, "Send me a new link"
// (rate-limited, the same answer whatever happens), the language choice, and no token in logs.
// Browser flows (JavaScript on and off) are in test/demo/update-page.node.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'parse5';
import {
  createCardkeepHandler,
  createLinkToken,
  demoCustomer,
  MemoryStore,
  type CardkeepHandlerOptions,
} from '../../src/server/index.js';
import { en as enMessages, ja as jaMessages } from '../../src/i18n/index.js';
import { linkMessages } from '../../src/i18n/link-messages.js';
import { styleHash } from '../../src/server/update-page/render.js';

/** The page's words: the widget's messages and the link-state ones. */
const en = { ...enMessages, ...linkMessages.en };
const ja = { ...jaMessages, ...linkMessages.ja };

const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
const ORIGIN = 'https://shop.example';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** A handler on a clock the test moves, with everything the page can be given. */
function setup(options: Partial<CardkeepHandlerOptions> = {}) {
  let now = new Date('2026-12-04T09:00:00Z');
  const store = MemoryStore.demo('payment_failed', { now: () => now });
  const sent: { customerId: string; url: string; lang: string }[] = [];
  const logs: unknown[] = [];
  const handler = createCardkeepHandler({
    store,
    linkSecret: SECRET,
    basePath: '/cardkeep',
    now: () => now,
    shop: { name: 'Kissa Tanuki', supportEmail: 'help@tanuki.example', color: '#b45309' },
    loginUrl: '/login',
    publicOrigin: ORIGIN,
    sendLink: (customerId, link) => void sent.push({ customerId, ...link }),
    logger: {
      info: (message, fields) => logs.push([message, fields]),
      error: (message, fields) => logs.push([message, fields]),
    },
    ...options,
  });
  const token = (ttl: string | number = '72h') =>
    createLinkToken('cus_demo', { secret: SECRET, ttl, now: () => now });
  const pageUrl = (t: string, extra = '') =>
    `${ORIGIN}/cardkeep/update?cardkeep_token=${encodeURIComponent(t)}${extra}`;
  return {
    store,
    sent,
    logs,
    handler,
    token,
    pageUrl,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    get: (url: string, headers: Record<string, string> = {}) =>
      handler(new Request(url, { headers })),
    post: (url: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      handler(
        new Request(url, {
          method: 'POST',
          headers: { ...FORM, ...headers },
          body: new URLSearchParams(form).toString(),
        }),
      ),
  };
}

/** The page's text as read, and its markup checked for parse errors. */
async function read(response: Response) {
  const text = await response.text();
  const errors: string[] = [];
  parse(text, { onParseError: (error) => errors.push(error.code) });
  assert.deepEqual(errors, [], 'the page parses without errors');
  const main = /<main>([\s\S]*)<\/main>/.exec(text)?.[1] ?? '';
  return {
    html: text,
    main,
    words: main
      .replace(/<[^>]+>/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim(),
  };
}

/** What every answer of the page must carry, pages and redirects alike. */
function assertLockedDown(response: Response, html?: string) {
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.ok(csp, 'a Content-Security-Policy header');
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes/);
  assert.doesNotMatch(csp, /(^|[\s;])\*|\*\.|https?:(?!\/\/)|\bdata:\s*;?\s*script/);
  const directives = Object.fromEntries(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );
  assert.equal(directives['object-src'], "'none'");
  assert.equal(directives['base-uri'], "'none'");
  assert.equal(directives['default-src'], "'none'");
  assert.equal(directives['script-src']?.split(' ')[0], "'self'");
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.match(response.headers.get('x-robots-tag') ?? '', /noindex/);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  if (html !== undefined) {
    assert.match(html, /<meta name="robots" content="noindex, nofollow"/);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    assert.equal(styles.length, 1, 'one stylesheet');
    assert.equal(directives['style-src'], styleHash(styles[0]!), 'allowed by its hash');
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler attributes');
    // Nothing from another origin: every src and href is a path, a mailto: or a fragment.
    for (const [, value] of html.matchAll(/\s(?:src|href|action)="([^"]*)"/g)) {
      assert.match(value!, /^(\/(?!\/)|mailto:|#|data:)/, value);
    }
  }
}

describe('the update page (no JavaScript)', () => {
  it('a genuine link shows the shop, the personal notice and a real form: "Expiry date" and "Save"', async () => {
    const t = setup();
    const response = await t.get(t.pageUrl(t.token()));
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const page = await read(response);
    assertLockedDown(response, page.html);
    assert.match(page.html, /<header><span class="shop">Kissa Tanuki<\/span><\/header>/);
    for (const phrase of [
      'Hi Hanako,',
      en.paymentFailedTitle,
      'Visa •••• 4242',
      'since 2019',
      'Expiry date',
      'Save',
    ]) {
      assert.ok(page.words.includes(phrase), phrase);
    }
    assert.match(page.main, /<form method="post" novalidate>/);
    assert.match(page.main, /<label for="cardkeep-expiry">Expiry date/);
    assert.match(page.main, /<button type="submit">Save<\/button>/);
    assert.match(page.html, /<script src="\/cardkeep\/cardkeep\.min\.js" defer><\/script>/);
    assert.match(page.html, /href="mailto:help@tanuki\.example"/);
  });

  it('a bad date comes back with the widget’s message, aria-invalid, the typed value kept; a good one saves, 303, thanks with the new expiry and the payment', async () => {
    const t = setup();
    const url = t.pageUrl(t.token(), '&lang=ja');
    const bad = await t.post(url, { expiry: '13/30', attempt: 'attempt-0000000000001' });
    assert.equal(bad.status, 422);
    const page = await read(bad);
    assertLockedDown(bad, page.html);
    assert.ok(page.words.includes(ja.invalid.month));
    assert.match(page.main, /value="13\/30"/);
    assert.match(page.main, /aria-invalid="true"/);
    assert.match(page.main, /aria-describedby="cardkeep-expiry-hint cardkeep-expiry-error"/);
    assert.match(page.main, /<p class="error" id="cardkeep-expiry-error">/);
    assert.equal((await t.store.getCard('cus_demo'))?.expYear, 2026, 'nothing saved');

    const good = await t.post(url, { expiry: '１２/３０', attempt: 'attempt-0000000000002' });
    assert.equal(good.status, 303);
    assertLockedDown(good);
    const location = good.headers.get('location')!;
    assert.match(location, /^\/cardkeep\/update\?cardkeep_token=.+&saved=.+&lang=ja$/);
    const card = await t.store.getCard('cus_demo');
    assert.deepEqual([card?.expMonth, card?.expYear, card?.status], [12, 2030, 'ok']);

    const thanks = await t.get(`${ORIGIN}${location}`);
    assert.equal(thanks.status, 200);
    const done = await read(thanks);
    assertLockedDown(thanks, done.html);
    assert.ok(done.words.includes(ja.updatedTitle));
    assert.ok(done.words.includes(ja.updatedBody('Visa •••• 4242', '2030年12月')));
    assert.ok(done.words.includes('1,980'), 'the retried payment and its amount');
    assert.match(done.main, /role="status"/);
    // A forged outcome is ignored: the page then says what it knows, the card is fine.
    const forged = await t.get(
      `${ORIGIN}${location.replace(/saved=[^&]+/, 'saved=failed...AAAA')}`,
    );
    assert.ok((await read(forged)).words.includes(ja.upToDateTitle));
  });

  it('a double submit of the same attempt lands once and thanks twice; a reload says the card is up to date', async () => {
    const t = setup();
    const url = t.pageUrl(t.token());
    const form = { expiry: '08/31', attempt: 'attempt-0000000000003' };
    const [a, b] = await Promise.all([t.post(url, form), t.post(url, form)]);
    assert.equal(a.status, 303);
    assert.equal(b.status, 303);
    const reload = await t.get(url);
    const page = await read(reload);
    assert.equal(reload.status, 200);
    assert.ok(page.words.includes(en.upToDateTitle));
    assert.ok(page.words.includes('Visa •••• 4242 is valid through August 2031'));
    assert.doesNotMatch(page.main, /<form|<input/, 'never a form');
  });

  it('mail scanners (HEAD, repeated GETs, no cookies) never spend the link; only the save does', async () => {
    const t = setup();
    const url = t.pageUrl(t.token());
    for (let i = 0; i < 3; i++) {
      const head = await t.handler(new Request(url, { method: 'HEAD' }));
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
      assertLockedDown(head);
    }
    for (let i = 0; i < 5; i++) assert.equal((await t.get(url)).status, 200);
    const save = await t.post(url, { expiry: '12/30', attempt: 'attempt-0000000000004' });
    assert.equal(save.status, 303, 'the link still saves after the scanners');
    // Spent now: a second save with another attempt is refused, and the card is fine anyway.
    const again = await t.post(url, { expiry: '11/30', attempt: 'attempt-0000000000005' });
    assert.ok((await read(again)).words.includes(en.upToDateTitle));
    assert.equal((await t.store.getCard('cus_demo'))?.expMonth, 12);
  });

  it('dead links say so on load, in plain words, with the way forward', async () => {
    const t = setup();
    // Expired: genuine, so "Send me a new link" (POST) and "Sign in".
    const old = t.token('1h');
    t.advance(2 * 60 * 60 * 1000);
    const expired = await t.get(t.pageUrl(old));
    assert.equal(expired.status, 410);
    let page = await read(expired);
    assertLockedDown(expired, page.html);
    assert.ok(page.words.includes(en.linkExpiredTitle));
    assert.match(page.main, /role="alert"/);
    assert.match(page.main, /<form method="post" action="\/cardkeep\/update\/resend">/);
    assert.ok(page.words.includes('Send me a new link'));
    assert.match(page.main, /<a class="button secondary" href="\/login">Sign in<\/a>/);
    assert.doesNotMatch(page.main, /name="expiry"/, 'no expiry field');

    // Forged: only the sign-in way.
    const forged = `${old.slice(0, -4)}AAAA`;
    const invalid = await t.get(t.pageUrl(forged, '&lang=ja'));
    assert.equal(invalid.status, 403);
    page = await read(invalid);
    assert.ok(page.words.includes(ja.linkInvalidTitle));
    assert.ok(page.words.includes('ログイン'));
    assert.doesNotMatch(page.main, /resend|新しいリンクを送る/);
    const none = await t.get(`${ORIGIN}/cardkeep/update`);
    assert.ok((await read(none)).words.includes(en.linkInvalidTitle));

    // Used, and the card broke again: "already used", never a form that fails on Save.
    const fresh = t.token();
    const save = await t.post(t.pageUrl(fresh), {
      expiry: '12/30',
      attempt: 'attempt-0000000000006',
    });
    assert.equal(save.status, 303);
    t.store.seed(demoCustomer('expired', new Date('2026-12-04T09:00:00Z')));
    const used = await t.get(t.pageUrl(fresh));
    assert.equal(used.status, 410);
    page = await read(used);
    assert.ok(page.words.includes(en.linkUsedTitle));
    assert.ok(page.words.includes('Send me a new link'));
    assert.doesNotMatch(page.main, /name="expiry"/);

    // Without sendLink or loginUrl there is nothing to offer but the words.
    const bare = setup({ sendLink: undefined, loginUrl: undefined });
    const token = bare.token('1s');
    bare.advance(5000);
    page = await read(await bare.get(bare.pageUrl(token)));
    assert.ok(page.words.includes(en.linkExpiredTitle));
    assert.doesNotMatch(page.main, /<form|<a /);
  });

  it('Link on file (a widened replacement): no expiry form, the method named in words, nothing saved', async () => {
    const store = MemoryStore.demo('payment_failed');
    const before = await store.getCard('cus_demo');
    // The in-memory book models cards; the store answers as StripeStore does for Link.
    const linkOnFile = Object.assign(store, {
      getCard: async () => ({ id: 'pm_link', kind: 'link', status: 'payment_failed' }) as const,
    });
    const t = setup({ store: linkOnFile });
    for (const [lang, said] of [
      ['en', 'You pay with Link'],
      ['ja', 'お支払い方法：Link'],
    ] as const) {
      const response = await t.get(t.pageUrl(t.token(), `&lang=${lang}`));
      assert.equal(response.status, 200);
      const page = await read(response);
      assertLockedDown(response, page.html);
      assert.ok(page.words.includes(said), page.words);
      assert.doesNotMatch(page.main, /name="expiry"/, 'no expiry field');
      assert.doesNotMatch(page.words, /••••|\d{4}/, 'no number');
    }
    const saved = await t.post(t.pageUrl(t.token()), { expiry: '12/30', attempt: 'a'.repeat(24) });
    assert.equal(saved.status, 409);
    assert.ok((await read(saved)).words.includes('You pay with Link'));
    assert.deepEqual(
      await MemoryStore.prototype.getCard.call(store, 'cus_demo'),
      before,
      'nothing was saved',
    );
  });

  it('"Send me a new link": POST only, rate-limited per customer, the same answer whatever happens', async () => {
    const t = setup();
    const old = t.token('1h');
    t.advance(2 * 60 * 60 * 1000);
    const answers: [number, string | null][] = [];
    for (let i = 0; i < 5; i++) {
      const response = await t.post(
        `${ORIGIN}/cardkeep/update/resend`,
        { cardkeep_token: old, lang: 'ja' },
        // A forged Host never reaches the mailed link: it is built on publicOrigin.
        { host: 'evil.example' },
      );
      assertLockedDown(response);
      answers.push([response.status, response.headers.get('location')]);
    }
    const forged = await t.post(`${ORIGIN}/cardkeep/update/resend`, {
      cardkeep_token: `${old.slice(0, -4)}AAAA`,
      lang: 'ja',
    });
    answers.push([forged.status, forged.headers.get('location')]);
    const nothing = await t.post(`${ORIGIN}/cardkeep/update/resend`, { lang: 'ja' });
    answers.push([nothing.status, nothing.headers.get('location')]);
    assert.deepEqual(new Set(answers.map((a) => JSON.stringify(a))).size, 1, 'one answer');
    assert.deepEqual(answers[0], [303, '/cardkeep/update?sent=1&lang=ja']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(t.sent.length, 3, 'three mails an hour, then quiet');
    assert.ok(t.sent.every((s) => s.customerId === 'cus_demo' && s.lang === 'ja'));
    const link = new URL(t.sent[0]!.url);
    assert.equal(link.origin, ORIGIN);
    assert.equal(link.pathname, '/cardkeep/update');

    const sentPage = await t.get(`${ORIGIN}${answers[0]![1]}`);
    const page = await read(sentPage);
    assert.ok(page.words.includes(ja.newLinkSent));
    // The mailed link works: it opens the form.
    const opened = await read(await t.get(link.href));
    assert.match(opened.main, /name="expiry"/);
    // GET is not a way to send.
    const get = await t.get(`${ORIGIN}/cardkeep/update/resend`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assertLockedDown(get);
    // An hour later the customer may ask again.
    t.advance(61 * 60 * 1000);
    await t.post(`${ORIGIN}/cardkeep/update/resend`, { cardkeep_token: old });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(t.sent.length, 4);
  });

  it('English or Japanese: ?lang=, then the customer’s stored language, then Accept-Language', async () => {
    const words = async (t: ReturnType<typeof setup>, extra = '', headers = {}) =>
      (await read(await t.get(t.pageUrl(t.token(), extra), headers))).html;
    const t = setup();
    assert.match(await words(t), /<html lang="en">/);
    assert.match(await words(t, '&lang=ja'), /<html lang="ja">[\s\S]*有効期限[\s\S]*保存/);
    assert.match(
      await words(t, '', { 'accept-language': 'fr;q=0.9, ja-JP;q=0.8, en;q=0.5' }),
      /<html lang="ja">/,
    );
    const stored = setup({ customerLanguage: () => 'ja' });
    assert.match(await words(stored, '', { 'accept-language': 'en' }), /<html lang="ja">/);
    assert.match(await words(stored, '&lang=en'), /<html lang="en">/);
  });

  it('GET {base}/card with a link says the link’s state and the ways forward', async () => {
    const t = setup();
    const token = t.token();
    const read = async () =>
      (await (
        await t.handler(
          new Request(`${ORIGIN}/cardkeep/card`, { headers: { authorization: `Bearer ${token}` } }),
        )
      ).json()) as { link: unknown };
    assert.deepEqual((await read()).link, {
      state: 'active',
      resend: '/cardkeep/update/resend',
      loginUrl: '/login',
    });
    await t.post(t.pageUrl(token), { expiry: '12/30', attempt: 'attempt-0000000000007' });
    assert.equal(((await read()).link as { state: string }).state, 'used');
  });

  it('the token never reaches a log line', async () => {
    const t = setup({
      sendLink: () => {
        throw new Error('SMTP refused https://shop.example/x?cardkeep_token=ck1.abc.def');
      },
    });
    const token = t.token('1h');
    await t.get(t.pageUrl(token));
    await t.post(t.pageUrl(token), { expiry: '1/1', attempt: 'attempt-0000000000008' });
    await t.post(t.pageUrl(token), { expiry: '12/30', attempt: 'attempt-0000000000009' });
    t.advance(2 * 60 * 60 * 1000);
    await t.post(`${ORIGIN}/cardkeep/update/resend`, { cardkeep_token: token });
    await new Promise((resolve) => setImmediate(resolve));
    const text = JSON.stringify(t.logs);
    assert.ok(t.logs.length >= 4);
    assert.ok(text.includes('sendLink failed'), 'a failed mailer is logged');
    assert.doesNotMatch(text, /ck1\.|12\/30/);
  });

  it('refuses branding that would reach another origin or sneak script in', () => {
    const store = new MemoryStore();
    assert.throws(
      () =>
        createCardkeepHandler({
          store,
          linkSecret: SECRET,
          shop: { name: 'S', logoUrl: 'https://cdn.example/logo.png' },
        }),
      /logoUrl/,
    );
    assert.throws(
      () => createCardkeepHandler({ store, linkSecret: SECRET, loginUrl: 'javascript:alert(1)' }),
      /loginUrl/,
    );
    assert.throws(
      () => createCardkeepHandler({ store, linkSecret: SECRET, sendLink: () => {} }),
      /publicOrigin/,
    );
  });
});
