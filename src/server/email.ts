// The dunning e-mail: what a shopper receives when a renewal failed or the card on file ran
// out. Written in the shop's voice, one clear way to fix it (a signed link to the update page),
// how long that way works, and how to reach a person. The HTML is built the way mail clients
// need it (tables, inline styles, a button Outlook draws with VML, a dark-mode block) and
// every value the merchant passes is escaped; the text part says the same.
//
// Over 300 lines on purpose: the documented input types (~45), the facts in both languages and
// the mail-client markup (tables, Outlook's VML button, dark mode) belong to one e-mail.
import { cardLabel, greetingNameFor, methodName } from '../i18n/messages.js';
import { formatAmount } from '../i18n/money.js';
import type { GreetingName } from '../protocol/wire.js';
import {
  escapeHtml,
  emailAddress,
  hexColor,
  html,
  httpUrl,
  textOn,
  unsafeRaw,
  type SafeHtml,
} from './html.js';

/** Why the e-mail is sent. */
export type DunningReason = 'payment_failed' | 'expired' | 'expiring';

/** The shop as it signs the e-mail. */
export interface DunningShop {
  /** The shop's name, as customers know it. */
  name: string;
  /** Where a person answers: shown in the e-mail; without it the e-mail asks for a reply. */
  supportEmail?: string | undefined;
  /** The brand colour of the button (`#rgb` or `#rrggbb`); other values are ignored. */
  color?: string | undefined;
  /** IANA time zone the link's end is shown in. Default `Asia/Tokyo` in Japanese, else `UTC`. */
  timeZone?: string | undefined;
}

/** Input of {@link renderDunningEmail}. */
export interface DunningEmailInput {
  /** `ja` (any Japanese tag) or English (anything else). */
  lang?: string | undefined;
  shop: DunningShop;
  customer: {
    /**
     * The name to greet with, as the widget takes it (the card's `greetingName`): one string for
     * every language, or one per language (`{ en: 'Hanako', ja: '佐藤' }` → "Hi Hanako," /
     * "佐藤 様"). A language without one gets a greeting without a name, never an awkward one.
     */
    greetingName?: GreetingName | undefined;
    /** @deprecated Greets with this string in every language; give `greetingName` instead. */
    name?: string | undefined;
    /** The year they became a customer ("with us since 2019"). */
    since?: number | undefined;
  };
  /**
   * The card on file, as the shopper knows it; or a method other than a card (`{ kind: 'link' }`,
   * a CardSummary of that kind), named in words: it has no expiry, so the e-mail asks the
   * shopper to choose how to pay instead, whatever `reason` says.
   */
  card: { brand: string; last4: string; expMonth: number; expYear: number } | { kind: string };
  /**
   * The update link (`createUpdateLink`'s result). Its end is read from the signed token; give
   * `{ url, expiresAt }` for a link whose token is not in the `cardkeep_token` parameter.
   */
  link: string | { url: string; expiresAt?: Date | number | undefined };
  /** The failed charge, in the currency's smallest unit as Stripe gives it (1980 JPY, 1999 USD). */
  amount?: { value: number; currency: string } | undefined;
  /** Default `payment_failed`. */
  reason?: DunningReason | undefined;
}

/** What {@link renderDunningEmail} returns: hand these to your mailer. */
export interface DunningEmail {
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part. */
  html: string;
}

/** The facts of one e-mail, already formatted for its language. */
interface Facts {
  shop: string;
  name: string | undefined;
  since: number | undefined;
  card: string;
  expiry: string;
  amount: string | undefined;
  until: string | undefined;
  support: string | undefined;
  reason: DunningReason;
  /** The method on file is not a card (Link…): no expiry to ask for. */
  method: boolean;
}

/** One language's wording: paragraphs are plain strings; the HTML and text parts share them. */
interface Wording {
  subject(f: Facts): string;
  preheader: string;
  greeting(f: Facts): string;
  thanks(f: Facts): string;
  body(f: Facts): string[];
  button: string;
  /** Introduces the bare link in the text part. */
  textLink: string;
  /** The preheader, button and link text when the method on file is not a card. */
  methodPreheader: string;
  methodButton: string;
  methodTextLink: string;
  lifetime(f: Facts): string;
  fallback: string;
  help(f: Facts): string;
  closing(f: Facts): string[];
  fontStack: string;
}

const EN: Wording = {
  subject: (f) =>
    f.reason === 'expired'
      ? `Your card on file with ${f.shop} has expired`
      : f.reason === 'expiring'
        ? `Your card on file with ${f.shop} expires soon`
        : f.amount
          ? `Your ${f.amount} payment to ${f.shop} didn’t go through`
          : `Your payment to ${f.shop} didn’t go through`,
  preheader: 'It takes a few seconds: just the new expiry date, no card number.',
  greeting: (f) => (f.name ? `Hi ${f.name},` : 'Hello,'),
  thanks: (f) =>
    f.since
      ? `Thank you for being with us since ${f.since} — it really means a lot to us.`
      : `Thank you for shopping with ${f.shop}.`,
  body: (f) => {
    if (f.method) {
      return [
        `We tried to take your ${f.amount ? `payment of ${f.amount}` : 'latest payment'} with ${f.card}, and it didn’t go through.`,
        'You can pay by card instead: open the page below and choose how you’d like to pay.',
      ];
    }
    const renewed =
      'If your bank has sent you a renewed card with the same number, all we need is its new expiry date — no card number, no password.';
    if (f.reason === 'expired') {
      return [`Your ${f.card} on file with us expired at the end of ${f.expiry}.`, renewed];
    }
    if (f.reason === 'expiring') {
      return [
        `Your ${f.card} on file with us expires at the end of ${f.expiry}.`,
        'When the renewed card arrives, you can give us its new expiry date in a few seconds — no card number, no password.',
      ];
    }
    return [
      `We tried to take your ${f.amount ? `payment of ${f.amount}` : 'latest payment'} with your ${f.card} (expires ${f.expiry}), and it didn’t go through. Most often that simply means the card has run out.`,
      `${renewed} Once it’s saved, we’ll try the payment again straight away.`,
    ];
  },
  button: 'Update my expiry date',
  textLink: 'Update your expiry date here:',
  methodPreheader: 'Your last payment didn’t go through: you can pay by card instead.',
  methodButton: 'Choose how to pay',
  methodTextLink: 'Choose how to pay here:',
  lifetime: (f) =>
    f.until
      ? `For your security, the button works once, until ${f.until}.`
      : 'For your security, the button works only once.',
  fallback: 'If the button doesn’t work, copy this address into your browser:',
  help: (f) =>
    f.support
      ? `Questions, or rather sort it out with a person? Write to ${f.support} or simply reply to this e-mail, and one of us will help.`
      : 'Questions, or rather sort it out with a person? Simply reply to this e-mail, and one of us will help.',
  closing: (f) => ['Thank you,', `The ${f.shop} team`],
  fontStack: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
};

const JA: Wording = {
  subject: (f) =>
    f.reason === 'expired'
      ? `【${f.shop}】ご登録のカードの有効期限が切れています`
      : f.reason === 'expiring'
        ? `【${f.shop}】ご登録のカードの有効期限が近づいています`
        : `【${f.shop}】お支払いを完了できませんでした（カード有効期限のご確認のお願い）`,
  preheader: '新しい有効期限を入力するだけで、数秒で完了します。カード番号の入力は不要です。',
  greeting: (f) => (f.name ? `${f.name} 様` : 'お客様'),
  thanks: (f) =>
    `いつも${f.shop}をご利用いただき、誠にありがとうございます。` +
    (f.since ? `${f.since}年からのご愛顧に、心より感謝申し上げます。` : ''),
  body: (f) => {
    if (f.method) {
      return [
        `${f.card}での${f.amount ? `${f.amount}の` : ''}お支払いをお手続きできませんでした。`,
        '下のページから、カードでのお支払いに切り替えていただけます。',
      ];
    }
    const renewed =
      '同じ番号の新しいカードがお手元に届いている場合は、下のボタンから新しい有効期限を入力していただくだけで完了します。カード番号やパスワードの入力は不要です。';
    if (f.reason === 'expired') {
      return [`ご登録の${f.card}は、${f.expiry}末で有効期限が切れました。`, renewed];
    }
    if (f.reason === 'expiring') {
      return [
        `ご登録の${f.card}の有効期限は${f.expiry}末までとなっております。`,
        '新しいカードが届きましたら、下のボタンから新しい有効期限をご入力ください。数秒で完了します。',
      ];
    }
    return [
      `ご登録の${f.card}（有効期限 ${f.expiry}）にて、${f.amount ? `${f.amount}の` : ''}お支払いをお手続きできませんでした。多くの場合、カードの有効期限切れが原因です。`,
      `${renewed}ご入力後、すぐにお支払いを再度お手続きいたします。`,
    ];
  },
  button: '有効期限を更新する',
  textLink: '有効期限の更新はこちらから：',
  methodPreheader:
    '前回のお支払いを完了できませんでした。カードでのお支払いに切り替えていただけます。',
  methodButton: 'お支払い方法を選ぶ',
  methodTextLink: 'お支払い方法の選択はこちらから：',
  lifetime: (f) =>
    f.until
      ? `セキュリティのため、このボタンは${f.until}まで、1回のみご利用いただけます。`
      : 'セキュリティのため、このボタンは1回のみご利用いただけます。',
  fallback: 'ボタンが動作しない場合は、次のURLをブラウザに貼り付けてください。',
  help: (f) =>
    f.support
      ? `ご不明な点がございましたら、${f.support} までご連絡いただくか、このメールにそのままご返信ください。担当者よりご案内いたします。`
      : 'ご不明な点がございましたら、このメールにそのままご返信ください。担当者よりご案内いたします。',
  closing: (f) => [`今後とも${f.shop}をよろしくお願いいたします。`, f.shop],
  fontStack:
    "'Hiragino Sans', 'Hiragino Kaku Gothic ProN', 'Noto Sans JP', Meiryo, -apple-system, 'Segoe UI', sans-serif",
};

const DEFAULT_COLOR = '#1f6feb';

/** The link's end: the `expiresAt` given, or the one its signed token carries. */
function linkEnd(link: DunningEmailInput['link']): { url: string; end: Date | undefined } {
  const url = httpUrl(typeof link === 'string' ? link : link?.url, 'the e-mail link');
  const given = typeof link === 'string' ? undefined : link.expiresAt;
  if (given !== undefined) {
    const end = new Date(given);
    return { url, end: Number.isNaN(end.getTime()) ? undefined : end };
  }
  const token = new URL(url).searchParams.get('cardkeep_token') ?? '';
  const seconds = /^ck1\.[^.]+\.(\d{1,12})\./.exec(token)?.[1];
  return { url, end: seconds ? new Date(Number(seconds) * 1000) : undefined };
}

/** A name or label as one line of text (no line breaks smuggled into the text part). */
const line = (value: unknown): string | undefined => {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/\s+/g, ' ').trim();
  return text || undefined;
};

/**
 * Renders the dunning e-mail for one customer: `{ subject, text, html }` in English or Japanese.
 * Throws a TypeError for a missing shop name or a link that is not an http(s) URL.
 */
export function renderDunningEmail(input: DunningEmailInput): DunningEmail {
  const ja = /^ja\b/i.test(input.lang ?? '');
  const { card } = input;
  const method = 'kind' in card && card.kind !== 'card';
  const language = ja ? JA : EN;
  // Another method has no expiry: the button and preheader ask how to pay, not for a date.
  const words = method
    ? {
        ...language,
        preheader: language.methodPreheader,
        button: language.methodButton,
        textLink: language.methodTextLink,
      }
    : language;
  const locale = ja ? 'ja-JP' : 'en-US';
  const shop = line(input.shop?.name);
  if (!shop) throw new TypeError('cardkeep: renderDunningEmail needs shop.name.');
  const { url, end } = linkEnd(input.link);
  const timeZone = input.shop.timeZone ?? (ja ? 'Asia/Tokyo' : 'UTC');
  let until: string | undefined;
  if (end) {
    until = new Intl.DateTimeFormat(locale, {
      weekday: 'short',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    }).format(end);
  }
  const since = Number.isInteger(input.customer?.since) ? input.customer.since : undefined;
  const facts: Facts = {
    shop,
    name: line(
      greetingNameFor(input.customer?.greetingName ?? input.customer?.name, ja ? 'ja' : 'en'),
    ),
    since,
    card:
      'brand' in card ? cardLabel(String(card.brand), String(card.last4)) : methodName(card.kind),
    expiry:
      'expYear' in card
        ? new Intl.DateTimeFormat(locale, {
            month: 'long',
            year: 'numeric',
            timeZone: 'UTC',
          }).format(new Date(Date.UTC(card.expYear, card.expMonth - 1, 1)))
        : '',
    amount: input.amount
      ? formatAmount(input.amount.value, String(input.amount.currency), locale)
      : undefined,
    until,
    support: emailAddress(input.shop.supportEmail),
    reason: method ? 'payment_failed' : (input.reason ?? 'payment_failed'),
    method,
  };
  const subject = words.subject(facts);
  const paragraphs = [words.thanks(facts), ...words.body(facts)];
  const closing = words.closing(facts);

  const text = [
    words.greeting(facts),
    ...paragraphs,
    `${words.textLink}\n${url}`,
    words.lifetime(facts),
    words.help(facts),
    closing.join('\n'),
  ].join('\n\n');

  const color = hexColor(input.shop.color) ?? DEFAULT_COLOR;
  return {
    subject,
    text: `${text}\n`,
    html: layout({
      words,
      facts,
      subject,
      paragraphs,
      closing,
      url,
      color,
      lang: ja ? 'ja' : 'en',
    }),
  };
}

interface LayoutInput {
  words: Wording;
  facts: Facts;
  subject: string;
  paragraphs: string[];
  closing: string[];
  url: string;
  color: string;
  lang: 'en' | 'ja';
}

// The dark block only re-colours what it names; clients that ignore <style> (some webmail) keep
// the light colours, which read well whether or not the client inverts them.
const STYLE = `
  :root { color-scheme: light dark; supported-color-schemes: light dark; }
  @media (prefers-color-scheme: dark) {
    .ck-bg { background-color: #0d1117 !important; }
    .ck-card { background-color: #161b22 !important; border-color: #30363d !important; }
    .ck-text { color: #e6edf3 !important; }
    .ck-muted { color: #9da7b3 !important; }
    .ck-link { color: #79b8ff !important; }
  }
  [data-ogsc] .ck-text { color: #e6edf3 !important; }
  [data-ogsc] .ck-muted { color: #9da7b3 !important; }
  @media (max-width: 620px) { .ck-pad { padding: 24px 20px !important; } }
`;

/**
 * Outlook for Windows draws links without padding or rounded corners, so it gets a VML shape
 * with the same link and label; every other client skips this conditional comment. Built as a
 * plain string (escaped by hand) because the markup lives inside a comment.
 */
function outlookButton(url: string, label: string, color: string, ink: string): SafeHtml {
  const href = escapeHtml(url);
  return unsafeRaw(
    `<!--[if mso]><v:roundrect xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w="urn:schemas-microsoft-com:office:word" href="${href}" style="height:50px;v-text-anchor:middle;width:300px;" arcsize="16%" stroke="f" fillcolor="${color}"><w:anchorlock/><center style="color:${ink};font-family:Arial,sans-serif;font-size:17px;font-weight:bold;">${escapeHtml(label)}</center></v:roundrect><![endif]-->`,
  );
}

function layout(o: LayoutInput): string {
  const { words, facts, url, color } = o;
  const ink = textOn(color);
  const font = words.fontStack;
  const p = (text: unknown, extra = '') =>
    html`<p
      class="ck-text"
      style="margin:0 0 16px 0;font-family:${font};font-size:16px;line-height:1.6;color:#1f2328;${extra}"
    >
      ${text}
    </p>`;
  const muted = (content: unknown) =>
    html`<p
      class="ck-muted"
      style="margin:0 0 12px 0;font-family:${font};font-size:14px;line-height:1.6;color:#57606a;"
    >
      ${content}
    </p>`;
  const support = facts.support;
  const help = support
    ? (() => {
        // The address becomes a mailto: link where the wording names it.
        const [before, after] = words.help(facts).split(support) as [string, string];
        return html`${before}<a
            class="ck-link"
            href="mailto:${support}"
            style="color:#0969da;text-decoration:underline;"
            >${support}</a
          >${after}`;
      })()
    : words.help(facts);
  // Outlook for Windows ignores padding on links and border-radius: it draws this VML shape
  // instead. Everything else gets a padded link inside a coloured cell, so the whole button is
  // the link, even with images off.
  const button = html`<table
    role="presentation"
    border="0"
    cellpadding="0"
    cellspacing="0"
    style="margin:8px 0 24px 0;"
  >
    <tr>
      <td align="center" bgcolor="${color}" style="border-radius:8px;background-color:${color};">
        ${outlookButton(url, words.button, color, ink)} ${unsafeRaw('<!--[if !mso]><!-->')}<a
          href="${url}"
          target="_blank"
          style="display:inline-block;padding:15px 28px;font-family:${font};font-size:17px;font-weight:bold;line-height:20px;color:${ink};text-decoration:none;border-radius:8px;background-color:${color};mso-hide:all;"
          >${words.button}</a
        >${unsafeRaw('<!--<![endif]-->')}
      </td>
    </tr>
  </table>`;
  const page = html`<!DOCTYPE html>
    <html
      lang="${o.lang}"
      xmlns="http://www.w3.org/1999/xhtml"
      xmlns:v="urn:schemas-microsoft-com:vml"
      xmlns:o="urn:schemas-microsoft-com:office:office"
    >
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="x-apple-disable-message-reformatting" />
        <meta name="format-detection" content="telephone=no, date=no, address=no, email=no" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>${o.subject}</title>
        ${unsafeRaw('<!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->')}
        <style>
          ${unsafeRaw(STYLE)}
        </style>
      </head>
      <body class="ck-bg" style="margin:0;padding:0;width:100%;background-color:#f3f4f6;">
        <div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">
          ${words.preheader}
        </div>
        <table
          role="presentation"
          class="ck-bg"
          width="100%"
          border="0"
          cellpadding="0"
          cellspacing="0"
          style="width:100%;background-color:#f3f4f6;"
        >
          <tr>
            <td align="center" style="padding:24px 12px;">
              <table
                role="presentation"
                class="ck-card"
                width="600"
                border="0"
                cellpadding="0"
                cellspacing="0"
                style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #e5e7eb;border-radius:12px;border-top:6px solid ${color};"
              >
                <tr>
                  <td class="ck-pad" style="padding:32px 36px;">
                    <p
                      class="ck-text"
                      style="margin:0 0 24px 0;font-family:${font};font-size:20px;font-weight:bold;line-height:1.3;color:#1f2328;"
                    >
                      ${facts.shop}
                    </p>
                    ${p(words.greeting(facts))} ${o.paragraphs.map((text) => p(text))} ${button}
                    ${muted(words.lifetime(facts))}
                    ${muted(html`${words.fallback}<br /><a class="ck-link" href="${url}" style="color:#0969da;text-decoration:underline;word-break:break-all;">${url}</a>`)}
                    ${p(help, 'margin-top:16px;')}
                    ${p(html`${o.closing[0]}<br />${o.closing.slice(1).join(' ')}`, 'margin-bottom:0;')}
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html> `;
  return page.value;
}
