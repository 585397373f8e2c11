// The update page's language and the few words only the page needs. Everything the widget also
// says (the notice, the form, the dead-link texts) comes from src/i18n, so the page and the
// banner can never word the same thing differently.
import { en, ja } from '../../i18n/index.js';
import type { Locale, Messages } from '../../i18n/index.js';
import { linkMessages, type LinkMessages } from '../../i18n/link-messages.js';

/** What only the hosted page says. */
export interface PageWords {
  /** The document title. */
  title: (shop: string) => string;
  /** After "Send me a new link". */
  newLinkTitle: string;
  /** How to reach a person. */
  contact: (email: string) => string;
  /** Heading of the card summary on the thank-you and up-to-date pages. */
  yourCard: string;
  /** A method other than a card is on file (`method`: "Link"): nothing here to update. */
  methodTitle: (method: string) => string;
  methodBody: (method: string) => string;
}

const PAGE_EN: PageWords = {
  title: (shop) => `Update your card — ${shop}`,
  newLinkTitle: 'Check your inbox',
  contact: (email) => `Questions, or rather talk to a person? Write to us at ${email}.`,
  yourCard: 'Your card',
  methodTitle: (method) => `You pay with ${method}`,
  methodBody: (method) =>
    `${method} has no expiry date to update here. To pay by card instead, sign in to your account.`,
};

const PAGE_JA: PageWords = {
  title: (shop) => `カード情報の更新 — ${shop}`,
  newLinkTitle: 'メールをご確認ください',
  contact: (email) => `ご不明な点がございましたら、${email} までお気軽にお問い合わせください。`,
  yourCard: 'ご登録のカード',
  methodTitle: (method) => `お支払い方法：${method}`,
  methodBody: (method) =>
    `${method}には、こちらで更新する有効期限はありません。カードでのお支払いに切り替える場合は、アカウントにログインしてください。`,
};

/** The widget's messages and the page's own words for `locale`. */
export function wordsFor(locale: Locale): {
  messages: Messages & LinkMessages;
  page: PageWords;
} {
  return locale === 'ja'
    ? { messages: { ...ja, ...linkMessages.ja }, page: PAGE_JA }
    : { messages: { ...en, ...linkMessages.en }, page: PAGE_EN };
}

/** `ja` for a Japanese tag (`ja`, `ja-JP`), `en` for another known one, else undefined. */
export function localeOf(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'ja' ? 'ja' : primary === 'en' ? 'en' : undefined;
}

/**
 * The first of English or Japanese the browser asks for, by `q` weight (RFC 9110 §12.5.4);
 * undefined when it asks for neither.
 */
export function fromAcceptLanguage(header: string | null): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 32)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = localeOf(tag);
    if (locale) return locale;
  }
  return undefined;
}

/** The page's language: `?lang=`, then the customer's stored language, then the browser's. */
export function pickLocale(
  query: string | null,
  stored: string | null | undefined,
  acceptLanguage: string | null,
): Locale {
  return localeOf(query) ?? localeOf(stored) ?? fromAcceptLanguage(acceptLanguage) ?? 'en';
}
