import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CardkeepError } from '../../src/core/errors.js';
import {
  en,
  ja,
  mergeMessages,
  cardLabel,
  errorText,
  greetingNameFor,
} from '../../src/i18n/index.js';
import type { Messages } from '../../src/i18n/index.js';

/** Sample arguments for the entries that take something other than a card and an expiry. */
const SAMPLES: Record<string, unknown[]> = {
  expiryMonth: [3, 2025],
  rateLimitedFor: [90],
};

/** Every text a locale can produce, with sample arguments for the functions. */
function texts(messages: Messages): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') out.set(key, value);
    else if (typeof value === 'function')
      out.set(
        key,
        (value as (...a: unknown[]) => string)(
          ...(SAMPLES[key] ?? ['Visa •••• 4242', 'March 2025']),
        ),
      );
    else
      for (const [sub, text] of Object.entries(value as Record<string, string>))
        out.set(`${key}.${sub}`, text);
  }
  return out;
}

describe('messages', () => {
  it('English and Japanese define the same entries, none of them empty', () => {
    const a = texts(en);
    const b = texts(ja);
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [key, text] of [...a, ...b]) assert.ok(text.trim().length > 0, `${key} is empty`);
  });

  it('Japanese texts are written in Japanese, not left in English', () => {
    const english = texts(en);
    for (const [key, text] of texts(ja)) {
      if (key === 'locale' || key === 'expiryPlaceholder') continue;
      assert.notEqual(text, english.get(key), `${key} is untranslated`);
      assert.match(text, /[\u3040-\u30ff\u4e00-\u9fff]/, `${key} has no Japanese`);
    }
  });

  it('keeps the accessible names tests and merchants rely on', () => {
    assert.match(en.updateExpiry, /Update expiry date/);
    assert.match(ja.updateExpiry, /有効期限を更新/);
    assert.match(en.expiryLabel, /Expiry date/);
    assert.match(ja.expiryLabel, /有効期限/);
    assert.equal(en.save, 'Save');
    assert.equal(ja.save, '保存');
  });

  it('shows the customer-since year exactly as given', () => {
    assert.equal(en.customerSince(2019), 'Thank you for being with us since 2019.');
    assert.match(ja.customerSince(2019), /^2019年から/);
  });

  it('lets a merchant override a plain string, a nested entry and a template', () => {
    const merged = mergeMessages(en, {
      save: 'Update card',
      invalid: { past: 'That month is over.' },
      customerSince: 'A member since {year} — thanks!',
    });
    assert.equal(merged.save, 'Update card');
    assert.equal(merged.invalid.past, 'That month is over.');
    assert.equal(merged.invalid.month, en.invalid.month);
    assert.equal(merged.customerSince(2015), 'A member since 2015 — thanks!');
    assert.equal(en.save, 'Save', 'the base locale is not mutated');
  });

  it('fills named placeholders by name, so a merchant can reorder them', () => {
    const merged = mergeMessages(en, {
      expiredBody: '{expiry}: your {card} has expired.',
      updatedBody: '{1} / {0}',
      paymentSucceeded: 'Paid {} — thank you',
    });
    assert.equal(
      merged.expiredBody('Visa •••• 4242', '10/26'),
      '10/26: your Visa •••• 4242 has expired.',
    );
    assert.equal(merged.updatedBody('Visa •••• 4242', '12/30'), '12/30 / Visa •••• 4242');
    assert.equal(merged.paymentSucceeded('¥1,980'), 'Paid ¥1,980 — thank you');
  });

  it('ignores unknown keys and values of the wrong kind from a JSON attribute', () => {
    const merged = mergeMessages(
      en,
      JSON.parse('{"nope":"x","save":42,"errors":"oops","invalid":{"month":7}}'),
    );
    assert.equal(merged.save, 'Save');
    assert.deepEqual(merged.errors, en.errors);
    assert.equal(merged.invalid.month, en.invalid.month);
    assert.equal(mergeMessages(en, null), en);
  });

  it('names the expiry month in prose, and never says an expired card "expires"', () => {
    assert.equal(en.expiryMonth(3, 2025), 'March 2025');
    assert.equal(ja.expiryMonth(3, 2025), '2025年3月');
    // English writes its month names out (no ICU start-up on the notice's path): they are the
    // ones Intl would give, every month.
    for (let month = 1; month <= 12; month += 1) {
      const intl = new Intl.DateTimeFormat('en', {
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      }).format(Date.UTC(2031, month - 1, 1));
      assert.equal(en.expiryMonth(month, 2031), intl);
    }
    const card = 'Visa •••• 4242';
    assert.equal(
      en.expiredBody(card, 'March 2025').split('. ')[0],
      'Your Visa •••• 4242 expired in March 2025',
    );
    assert.match(
      ja.expiredBody(card, '2025年3月'),
      /^ご登録のVisa •••• 4242は、2025年3月で有効期限が切れています。/,
    );
    for (const t of [en, ja]) {
      const expired = t.paymentFailedBody(card, t.expiryMonth(3, 2025), true);
      assert.doesNotMatch(expired, /expires|切れます|（有効期限/, expired);
      assert.match(expired, /expired in March 2025|2025年3月で有効期限が切れている/);
      const valid = t.paymentFailedBody(card, t.expiryMonth(11, 2026), false);
      assert.doesNotMatch(valid, /expired|切れている/, valid);
    }
  });

  it('says which payment went through when the backend names it', () => {
    assert.equal(
      en.paymentSucceeded('¥1,980', 'your monthly beans'),
      'Your payment of ¥1,980 for your monthly beans went through.',
    );
    assert.equal(en.paymentSucceeded('$19.99'), 'Your payment of $19.99 went through.');
    assert.equal(
      ja.paymentSucceeded('1,980円', '毎月のコーヒー豆'),
      '毎月のコーヒー豆のお支払い（1,980円）が完了しました。',
    );
    assert.equal(ja.paymentSucceeded('1,980円'), '1,980円のお支払いが完了しました。');
  });

  it('tells a rate-limited shopper the wait the server gave, in seconds or whole minutes', () => {
    const limited = (retryAfter?: number) =>
      new CardkeepError(
        'rate_limited',
        'slow down',
        retryAfter === undefined ? {} : { retryAfter },
      );
    assert.equal(errorText(en, limited(1)), 'Too many attempts. Please try again in 1 second.');
    assert.equal(errorText(en, limited(30)), 'Too many attempts. Please try again in 30 seconds.');
    assert.equal(errorText(en, limited(60)), 'Too many attempts. Please try again in 1 minute.');
    assert.equal(errorText(en, limited(90)), 'Too many attempts. Please try again in 2 minutes.');
    assert.equal(
      errorText(ja, limited(1)),
      '試行回数が上限に達しました。1秒後にもう一度お試しください。',
    );
    assert.equal(
      errorText(ja, limited(120)),
      '試行回数が上限に達しました。2分後にもう一度お試しください。',
    );
    // No Retry-After: the general text, which promises no particular time.
    assert.equal(errorText(en, limited()), en.errors.rate_limited);
    assert.doesNotMatch(en.errors.rate_limited, /minute/);
    assert.equal(errorText(en, new CardkeepError('network')), en.errors.network);
  });

  it('greets with the name the backend gave for the language, or not at all', () => {
    const names = { en: 'Hanako', ja: '佐藤' };
    assert.equal(en.greeting(greetingNameFor(names, 'en')!), 'Hi Hanako,');
    assert.equal(ja.greeting(greetingNameFor(names, 'ja')!), '佐藤 様');
    assert.equal(greetingNameFor(names, 'ja-JP'), '佐藤');
    assert.equal(greetingNameFor('Hanako', 'ja'), 'Hanako');
    assert.equal(greetingNameFor({ en: 'Hanako' }, 'ja'), undefined);
    assert.equal(greetingNameFor(undefined, 'en'), undefined);
    assert.equal(greetingNameFor('', 'en'), undefined);
  });

  it('names a card by brand and last four digits', () => {
    assert.equal(cardLabel('visa', '4242'), 'Visa •••• 4242');
    assert.equal(cardLabel('AMEX', '0005'), 'American Express •••• 0005');
    assert.equal(cardLabel('newbrand', '1111'), 'newbrand •••• 1111');
  });
});
