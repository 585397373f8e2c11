// The dunning e-mail as a shopper and a mail client meet it: HTML that parses without a single
// markup error, nothing fetched from anywhere (only the update link and the support address are
// links), what the merchant passes shown as text, and wording read off the parts, not snapshots.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'parse5';
import type { DefaultTreeAdapterMap } from 'parse5';
import { renderDunningEmail, createUpdateLink } from '../../src/server/index.js';
import type { DunningEmailInput } from '../../src/server/index.js';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

const NOW = new Date('2026-12-04T09:00:00Z');
const SECRET = 'test-secret-test-secret-test-secret!';
const link = createUpdateLink('cus_1', {
  secret: SECRET,
  baseUrl: 'https://shop.example/cardkeep/update',
  ttl: '72h',
  now: () => NOW,
});

const input = (extra: Partial<DunningEmailInput> = {}): DunningEmailInput => ({
  lang: 'en',
  shop: { name: 'Kissa Tanuki', supportEmail: 'help@tanuki.example', color: '#b45309' },
  customer: { greetingName: { en: 'Hanako', ja: '佐藤' }, since: 2019 },
  card: { brand: 'visa', last4: '4242', expMonth: 11, expYear: 2026 },
  link,
  amount: { value: 1980, currency: 'jpy' },
  reason: 'payment_failed',
  ...extra,
});

/** Parses like a browser and fails on any markup error parse5 reports. */
function parseStrict(markup: string) {
  const errors: string[] = [];
  const document = parse(markup, { onParseError: (error) => errors.push(error.code) });
  assert.deepEqual(errors, [], 'the HTML has no markup errors');
  return document;
}

function* walk(node: Node): Generator<Node> {
  yield node;
  const children = 'childNodes' in node ? node.childNodes : [];
  for (const child of children) yield* walk(child);
  if ('content' in node && node.content) yield* walk(node.content as unknown as Node);
}

const elements = (root: Node) =>
  [...walk(root)].filter((n): n is Element => 'tagName' in n && typeof n.tagName === 'string');
const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;
const textContent = (root: Node): string =>
  [...walk(root)]
    .map((n) => (n.nodeName === '#text' ? (n as DefaultTreeAdapterMap['textNode']).value : ''))
    .join('');
/** What a reader sees: the body's text with runs of white space as one space. */
const visible = (markup: string) => {
  const body = elements(parseStrict(markup)).find((el) => el.tagName === 'body')!;
  return textContent(body).replace(/\s+/g, ' ');
};

describe('renderDunningEmail', () => {
  it('English: thanks the shopper by name and year, names the card and amount, one button, how long it works, a person to ask', () => {
    const mail = renderDunningEmail(input());
    assert.equal(mail.subject, 'Your ¥1,980 payment to Kissa Tanuki didn’t go through');
    const seen = visible(mail.html);
    for (const phrase of [
      'Hi Hanako,',
      'with us since 2019',
      'Visa •••• 4242 (expires November 2026)',
      '¥1,980',
      'new expiry date',
      'no card number',
      'Update my expiry date',
      // The token's own end, 72 hours after NOW, in the shop's zone (UTC by default).
      'works once, until Mon, December 7 at 9:00 AM UTC',
      'help@tanuki.example',
      'reply to this e-mail',
      'The Kissa Tanuki team',
    ]) {
      assert.ok(seen.includes(phrase), `the e-mail says "${phrase}"`);
    }
    const doc = parseStrict(mail.html);
    const buttons = elements(doc).filter(
      (el) => el.tagName === 'a' && textContent(el).trim() === 'Update my expiry date',
    );
    assert.equal(buttons.length, 1, 'one clear button');
    assert.equal(attr(buttons[0]!, 'href'), link);
    assert.equal(elements(doc).find((el) => el.tagName === 'html')?.attrs[0]?.value, 'en');
    assert.equal(textContent(elements(doc).find((el) => el.tagName === 'title')!), mail.subject);
  });

  it('Japanese: polite Japanese a shop would send, with the date in Japan time', () => {
    const mail = renderDunningEmail(input({ lang: 'ja-JP' }));
    assert.match(mail.subject, /^【Kissa Tanuki】お支払いを完了できませんでした/);
    const seen = visible(mail.html);
    for (const phrase of [
      '佐藤 様',
      'いつもKissa Tanukiをご利用いただき、誠にありがとうございます。',
      '2019年からのご愛顧',
      'Visa •••• 4242（有効期限 2026年11月）',
      '1,980円のお支払い', // as a Japanese shop writes yen, as the widget does (not ￥1,980)
      '有効期限を更新する',
      '12月7日(月) 18:00 JSTまで、1回のみご利用いただけます。',
      'help@tanuki.example までご連絡いただくか',
      '今後ともKissa Tanukiをよろしくお願いいたします。',
    ]) {
      assert.ok(seen.includes(phrase), `the e-mail says "${phrase}"`);
    }
    // 丁寧語 throughout: every sentence ends politely (ます/ください), none in plain form.
    const sentences = mail.text
      .split('\n')
      .flatMap((l) => l.split('。').map((s) => s.trim()))
      .filter((s) => /[ぁ-ん]$/.test(s));
    assert.ok(sentences.length >= 5);
    for (const s of sentences) assert.match(s, /(です|ます|ません|ください|でした)$/, s);
    const root = elements(parseStrict(mail.html)).find((el) => el.tagName === 'html')!;
    assert.equal(attr(root, 'lang'), 'ja');
  });

  it('the HTML fetches nothing: the only links are the update link and the support address', () => {
    for (const lang of ['en', 'ja']) {
      const { html } = renderDunningEmail(input({ lang }));
      const doc = parseStrict(html);
      for (const el of elements(doc)) {
        for (const name of ['src', 'srcset', 'background', 'poster', 'data', 'action']) {
          assert.equal(attr(el, name), undefined, `<${el.tagName} ${name}>`);
        }
        assert.notEqual(el.tagName, 'img');
        assert.notEqual(el.tagName, 'link');
        assert.notEqual(el.tagName, 'script');
        const href = attr(el, 'href');
        if (href !== undefined)
          assert.ok([link, 'mailto:help@tanuki.example'].includes(href), href);
        assert.doesNotMatch(attr(el, 'style') ?? '', /url\(/);
      }
      assert.doesNotMatch(html, /@import|url\(/);
      // Outlook's VML button sits in a conditional comment: its href is the same link.
      const inComments = [...html.matchAll(/https?:\/\/[^\s"<]+/g)].map((m) => m[0]);
      for (const url of inComments) {
        assert.ok(
          url === link.replaceAll('&', '&amp;') ||
            url.startsWith('http://www.w3.org/') ||
            url === link,
          url,
        );
      }
    }
  });

  it('the button survives Outlook (VML) and dark mode (declared, re-coloured, readable brand colour)', () => {
    const { html } = renderDunningEmail(input());
    assert.match(html, /<!--\[if mso\]><v:roundrect\s[^>]*href="[^"]+"[^>]*fillcolor="#b45309"/);
    assert.match(html, /@media \(prefers-color-scheme: dark\)/);
    const doc = parseStrict(html);
    const scheme = elements(doc).find((el) => attr(el, 'name') === 'color-scheme');
    assert.equal(scheme && attr(scheme, 'content'), 'light dark');
    assert.ok(
      elements(doc).every((el) => el.tagName !== 'table' || attr(el, 'role') === 'presentation'),
      'layout tables are presentational',
    );
    // A light brand colour gets dark button text; a dark one white text.
    const light = renderDunningEmail(input({ shop: { name: 'S', color: '#ffd000' } })).html;
    assert.match(light, /color:#111111;font-family[^"]*font-size:17px/);
    assert.match(html, /color:#ffffff;font-family[^"]*font-size:17px/);
  });

  it('everything the merchant passes is text: markup in names stays text, a hostile colour is dropped', () => {
    const mail = renderDunningEmail(
      input({
        shop: {
          name: '<img src=x onerror=alert(1)> & "Co"',
          color: 'red;background:url(https://evil.example/x)',
          supportEmail: '"><script>alert(1)</script>@x.example',
        },
        customer: { name: '</p><script>alert(2)</script>', since: 2019 },
      }),
    );
    const doc = parseStrict(mail.html);
    assert.ok(!elements(doc).some((el) => ['img', 'script'].includes(el.tagName)));
    assert.ok(visible(mail.html).includes('<img src=x onerror=alert(1)> & "Co"'));
    assert.ok(visible(mail.html).includes('</p><script>alert(2)</script>'));
    assert.doesNotMatch(mail.html, /evil\.example/);
    assert.ok(!mail.html.includes('mailto:'), 'an address that is not one is not linked');
  });

  it('refuses a link that is not http(s), and a missing shop name', () => {
    assert.throws(() => renderDunningEmail(input({ link: 'javascript:alert(1)' })), TypeError);
    assert.throws(() => renderDunningEmail(input({ shop: { name: '  ' } })), /needs shop\.name/);
  });

  it('the text part says the same as the HTML, with the bare link and no markup', () => {
    const mail = renderDunningEmail(input({ reason: 'expired', amount: undefined }));
    assert.equal(mail.subject, 'Your card on file with Kissa Tanuki has expired');
    assert.ok(mail.text.startsWith('Hi Hanako,\n\n'));
    assert.ok(mail.text.includes(`Update your expiry date here:\n${link}\n`));
    assert.ok(mail.text.includes('expired at the end of November 2026'));
    assert.doesNotMatch(mail.text, /<[a-z/]/i);
    assert.ok(visible(mail.html).includes('expired at the end of November 2026'));
  });

  it('greets with the name the backend gives for the language, and with none rather than the wrong one', () => {
    const enOnly = { greetingName: { en: 'Hanako' }, since: 2019 };
    const ja = visible(renderDunningEmail(input({ lang: 'ja', customer: enOnly })).html);
    assert.ok(ja.includes('お客様'), 'a polite greeting without a name');
    assert.ok(!ja.includes('Hanako'), 'never the romanised name in Japanese');
    const en = visible(renderDunningEmail(input({ customer: enOnly })).html);
    assert.ok(en.includes('Hi Hanako,'));
    // One string greets in every language (the deprecated `name` too).
    const one = visible(renderDunningEmail(input({ customer: { name: 'Sam' } })).html);
    assert.ok(one.includes('Hi Sam,'));
    assert.ok(
      renderDunningEmail(input({ customer: { greetingName: 'Sam' } })).text.includes('Hi Sam,'),
    );
  });

  it('without a name, a year, an amount or a support address it still reads naturally', () => {
    const mail = renderDunningEmail({
      shop: { name: 'Kissa Tanuki', timeZone: 'Asia/Tokyo' },
      customer: {},
      card: { brand: 'mastercard', last4: '5454', expMonth: 1, expYear: 2027 },
      link: { url: 'https://shop.example/update?x=1', expiresAt: new Date('2027-01-10T03:00:00Z') },
      reason: 'expiring',
    });
    assert.equal(mail.subject, 'Your card on file with Kissa Tanuki expires soon');
    const seen = visible(mail.html);
    assert.ok(seen.includes('Hello,'));
    assert.ok(seen.includes('Thank you for shopping with Kissa Tanuki.'));
    assert.ok(
      seen.includes('Mastercard •••• 5454 on file with us expires at the end of January 2027'),
    );
    assert.ok(seen.includes('until Sun, January 10 at 12:00 PM GMT+9'));
    assert.ok(seen.includes('Simply reply to this e-mail'));
    const ja = renderDunningEmail({ ...input({ lang: 'ja' }), customer: {}, amount: undefined });
    assert.ok(ja.text.startsWith('お客様\n\n'));
    assert.ok(ja.text.includes('にて、お支払いをお手続きできませんでした。'));
  });

  it('Link on file (no card, no expiry): names Link in words and asks how to pay, in both languages', () => {
    const card = { id: 'pm_link', kind: 'link', status: 'payment_failed' } as const;
    const en = renderDunningEmail(input({ card, reason: 'expiring' }));
    assert.equal(en.subject, 'Your ¥1,980 payment to Kissa Tanuki didn’t go through');
    assert.ok(
      en.text.includes(
        'We tried to take your payment of ¥1,980 with Link, and it didn’t go through.',
      ),
      en.text,
    );
    assert.ok(en.text.includes('Choose how to pay here:'));
    assert.ok(!/expiry|expires|••••|4242/i.test(en.text), 'no expiry, no number');
    parseStrict(en.html);
    assert.ok(en.html.includes('Choose how to pay'));
    const ja = renderDunningEmail(input({ lang: 'ja', card }));
    assert.ok(ja.text.includes('Linkでの1,980円のお支払いをお手続きできませんでした。'), ja.text);
    assert.ok(ja.text.includes('お支払い方法の選択はこちらから：'));
    assert.ok(!/有効期限/.test(ja.text), ja.text);
  });
});
