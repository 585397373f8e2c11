import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { en, ja, mergeMessages, cardLabel } from '../../src/i18n/index.js';
import type { Messages } from '../../src/i18n/index.js';

/** Every text a locale can produce, with sample arguments for the functions. */
function texts(messages: Messages): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string') out.set(key, value);
    else if (typeof value === 'function')
      out.set(key, (value as (...a: unknown[]) => string)('Visa •••• 4242', '12 / 30'));
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

  it('names a card by brand and last four digits', () => {
    assert.equal(cardLabel('visa', '4242'), 'Visa •••• 4242');
    assert.equal(cardLabel('AMEX', '0005'), 'American Express •••• 0005');
    assert.equal(cardLabel('newbrand', '1111'), 'newbrand •••• 1111');
  });
});
