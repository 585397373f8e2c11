// The self-hosted update page as pure functions: a view (what to show) and the shop's branding
// in, a complete small HTML document out. No I/O, no clock: page.ts decides the view.
//
// The page works without JavaScript (a real form that posts to itself). With JavaScript, the
// script tag upgrades <cardkeep-banner>, whose light-DOM children are this same notice and form:
// the element then shows its own rendering of them, so it is one product, enhanced.
//
// Just over 300 lines: the view types (~40) and the page's own stylesheet (~40) sit with the
// template that uses them.
import { createHash } from 'node:crypto';
import type { CardOnFile, PaymentOutcome } from '../../adapter/types.js';
import { cardLabel, greetingNameFor, methodName } from '../../i18n/messages.js';
import type { Locale } from '../../i18n/messages.js';
import { formatAmount } from '../../i18n/money.js';
import { hexColor, html, textOn, unsafeRaw } from '../html.js';
import type { SafeHtml } from '../html.js';
import { wordsFor } from './words.js';

/** The shop as the page shows it (handler option `shop`). */
export interface ShopBranding {
  /** The shop's name: the page's header and title; one per language if it differs. */
  name: string | Partial<Record<Locale, string>>;
  /**
   * A logo on your own origin (`/logo.svg`) or a `data:image/…` URL: the page makes no
   * third-party request, and its CSP allows images only from 'self' and data:.
   */
  logoUrl?: string | undefined;
  /** Brand colour for buttons, links and the focus ring (`#rgb` or `#rrggbb`). */
  color?: string | undefined;
  /** Where a person answers; shown at the foot of every page. */
  supportEmail?: string | undefined;
}

/** Why a link no longer opens the form. */
export type DeadReason = 'expired' | 'used' | 'invalid';

/** What the page shows. */
export type PageView =
  | {
      kind: 'form';
      card: CardOnFile;
      notice: 'expired' | 'payment_failed' | 'expiring';
      /** The card's expiry month has passed (a payment_failed card may be expired too). */
      expired?: boolean;
      /** Idempotency key of this attempt: a double submit is applied once. */
      attempt: string;
      /** What the shopper typed, kept as typed after a refusal. */
      typed?: string | undefined;
      /** Why the date was refused: shown with the field, which is then aria-invalid. */
      fieldError?: string | undefined;
      /** A refusal that is not about the date (declined, busy, server): a role=alert line. */
      formError?: string | undefined;
    }
  | { kind: 'done'; card: CardOnFile; payment?: PaymentOutcome | undefined }
  | { kind: 'up-to-date'; card: CardOnFile }
  /** A method other than a card is on file (`kind`: `link`…): it has no expiry to update. */
  | { kind: 'method'; method: string }
  | {
      kind: 'dead';
      reason: DeadReason;
      /** The genuine token, for "Send me a new link"; absent when resending is not offered. */
      resendToken?: string | undefined;
    }
  | { kind: 'sent' }
  | { kind: 'trouble'; message: string };

/** What stays the same for every page of one handler. */
export interface PageSetup {
  shop: ShopBranding;
  /** The handler's mount prefix ('' or `/cardkeep`). */
  basePath: string;
  /** The merchant's sign-in page: "Sign in" on every dead-link page. */
  loginUrl?: string | undefined;
  /** Where the script tag is served; false leaves the page without JavaScript. */
  scriptUrl: string | false;
}

/** Identifiers of the form's parts; the tests and the widget's light DOM use the same. */
export const FIELD_ID = 'cardkeep-expiry';

const DEFAULT_ACCENT = '#0a56c2';

/** Back on the field after a refusal, as the widget does (no script needed). */
const AUTOFOCUS = unsafeRaw('autofocus');

/**
 * The page's one stylesheet, from the shop's colour. It goes into a <style> element that the
 * CSP allows by its hash: no 'unsafe-inline', no request for a stylesheet.
 */
export function pageStyles(shop: ShopBranding): string {
  const accent = hexColor(shop.color) ?? DEFAULT_ACCENT;
  const onAccent = textOn(accent);
  return `
:root{color-scheme:light dark;--bg:#f4f5f7;--surface:#fff;--text:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:${accent};--on-accent:${onAccent};--danger:#b42318;--ok:#1a7f37}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--surface:#161b22;--text:#e6edf3;--muted:#9da7b3;--line:#30363d;--danger:#ff7b72;--ok:#3fb950}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP","Noto Sans CJK JP",Meiryo,sans-serif}
header{display:flex;align-items:center;gap:.75rem;max-width:36rem;margin:0 auto;padding:1.5rem 1rem .5rem}
header img{max-height:2.5rem;max-width:10rem}
.shop{font-weight:700;font-size:1.25rem}
main{max-width:36rem;margin:0 auto;padding:0 1rem 2rem}
.box{background:var(--surface);border:1px solid var(--line);border-top:4px solid var(--accent);border-radius:.75rem;padding:1.5rem}
.box.bad{border-top-color:var(--danger)}
.box.good{border-top-color:var(--ok)}
h1{font-size:1.3rem;line-height:1.35;margin:0 0 .75rem}
p{margin:0 0 .75rem}
.muted{color:var(--muted);font-size:.95rem}
.card{font-weight:600}
form{margin:1rem 0 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
input[type=text]{font:inherit;font-size:1.25rem;width:11rem;padding:.5rem .75rem;border:2px solid var(--muted);border-radius:.5rem;background:var(--surface);color:var(--text)}
input[aria-invalid=true]{border-color:var(--danger)}
.error{color:var(--danger);font-weight:600;margin:.5rem 0 0}
.error::before{content:"⚠ "}
button,.button{display:inline-block;font:inherit;font-weight:700;padding:.65rem 1.4rem;border:0;border-radius:.5rem;background:var(--accent);color:var(--on-accent);cursor:pointer;text-decoration:none;margin:1rem .75rem 0 0}
.button.secondary,button.secondary{background:transparent;color:var(--text);border:2px solid var(--line)}
.actions{display:flex;flex-wrap:wrap;align-items:center}
.actions form{margin:0}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
a{color:var(--accent)}
@media (prefers-color-scheme:dark){a{color:#79b8ff}.button,.button:visited{color:var(--on-accent)}}
footer{max-width:36rem;margin:0 auto;padding:0 1rem 2rem}
cardkeep-banner{display:block;--cardkeep-color-accent:var(--accent);--cardkeep-color-on-accent:var(--on-accent);--cardkeep-color-text:var(--text);--cardkeep-color-surface:var(--surface);--cardkeep-font-size:1rem}
cardkeep-banner:defined{min-height:10rem}
`.trim();
}

/** `'sha256-…'` of a style element's text, for the CSP. */
export function styleHash(css: string): string {
  return `'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`;
}

/**
 * The policy of every page and redirect: nothing inline but the one hashed stylesheet, no
 * wildcards, no plug-ins, no <base>, posts only to this origin, never framed. Stripe's hosts
 * are there for "Use a different card" in the enhanced page (loaded only on that click).
 */
export function pageCsp(hash: string): string {
  return [
    "default-src 'none'",
    "script-src 'self' https://js.stripe.com",
    `style-src ${hash}`,
    "img-src 'self' data:",
    "connect-src 'self' https://api.stripe.com",
    'frame-src https://js.stripe.com https://hooks.stripe.com',
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers every answer of the page carries, pages and redirects alike. */
export function pageHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'Referrer-Policy': 'no-referrer',
    'X-Robots-Tag': 'noindex, nofollow',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
  };
}

/** The shop's name in `locale`: its own, or the one it has. */
export function shopName(shop: ShopBranding, locale: Locale): string {
  if (typeof shop.name === 'string') return shop.name;
  return shop.name[locale] ?? shop.name.en ?? shop.name.ja ?? '';
}

/** The payment line of the thank-you, when a failed renewal was retried. */
function paymentLine(payment: PaymentOutcome | undefined, locale: Locale): SafeHtml | '' {
  const { messages } = wordsFor(locale);
  if (!payment || payment.status === 'none') return '';
  if (payment.status === 'failed') return html`<p class="error">${messages.paymentStillFailed}</p>`;
  const amount =
    payment.amount !== undefined && payment.currency
      ? formatAmount(payment.amount, payment.currency, messages.locale)
      : undefined;
  return html`<p>
    ${amount ? messages.paymentSucceeded(amount, payment.description) : messages.paymentWentThrough}
  </p>`;
}

/** The body of one view. */
function content(view: PageView, setup: PageSetup, locale: Locale): SafeHtml {
  const { messages: m, page } = wordsFor(locale);
  const signIn = setup.loginUrl
    ? html`<a class="button secondary" href="${setup.loginUrl}">${m.signIn}</a>`
    : '';
  switch (view.kind) {
    case 'form': {
      const { card } = view;
      const label = cardLabel(card.brand, card.last4);
      const expiry = m.expiryMonth(card.expMonth, card.expYear);
      const [title, body] =
        view.notice === 'payment_failed'
          ? [m.paymentFailedTitle, m.paymentFailedBody(label, expiry, view.expired === true)]
          : view.notice === 'expired'
            ? [m.expiredTitle, m.expiredBody(label, expiry)]
            : [m.expiringTitle, m.expiringBody(label, expiry)];
      const greeting = greetingNameFor(card.greetingName, locale);
      const invalid = view.fieldError !== undefined;
      const described = `${FIELD_ID}-hint${invalid ? ` ${FIELD_ID}-error` : ''}`;
      const notice = html`<section class="box bad" aria-labelledby="cardkeep-title">
        ${greeting ? html`<p>${m.greeting(greeting)}</p>` : ''}
        <h1 id="cardkeep-title">${title}</h1>
        <p>${body}</p>
        ${card.customerSince ? html`<p class="muted">${m.customerSince(card.customerSince)}</p>` : ''}
        <form method="post" novalidate>
          <input type="hidden" name="attempt" value="${view.attempt}" />
          <label for="${FIELD_ID}">${m.expiryLabel}</label>
          <p class="muted" id="${FIELD_ID}-hint">${m.formHint}</p>
          <input
            type="text"
            id="${FIELD_ID}"
            name="expiry"
            inputmode="numeric"
            autocomplete="cc-exp"
            placeholder="${m.expiryPlaceholder}"
            maxlength="16"
            required
            value="${view.typed ?? ''}"
            aria-describedby="${described}"
            aria-invalid="${invalid ? 'true' : 'false'}"
            ${invalid ? AUTOFOCUS : ''}
          />
          ${invalid ? html`<p class="error" id="${FIELD_ID}-error">${view.fieldError}</p>` : ''}
          ${view.formError ? html`<p class="error" role="alert">${view.formError}</p>` : ''}
          <div><button type="submit">${m.save}</button></div>
        </form>
      </section>`;
      // The element reads the token from the page URL and, once defined, shows its own
      // rendering of this notice; without JavaScript these children are the page.
      return setup.scriptUrl
        ? html`<cardkeep-banner endpoint="${setup.basePath || '/'}" lang="${locale}"
            >${notice}</cardkeep-banner
          >`
        : notice;
    }
    case 'done': {
      const label = cardLabel(view.card.brand, view.card.last4);
      return html`<section class="box good" role="status" aria-labelledby="cardkeep-title">
        <h1 id="cardkeep-title">${m.updatedTitle}</h1>
        <p>${m.updatedBody(label, m.expiryMonth(view.card.expMonth, view.card.expYear))}</p>
        ${paymentLine(view.payment, locale)}
      </section>`;
    }
    case 'up-to-date': {
      const label = cardLabel(view.card.brand, view.card.last4);
      return html`<section class="box good" role="status" aria-labelledby="cardkeep-title">
        <h1 id="cardkeep-title">${m.upToDateTitle}</h1>
        <p>${m.upToDateBody(label, m.expiryMonth(view.card.expMonth, view.card.expYear))}</p>
      </section>`;
    }
    case 'dead': {
      const [title, body] =
        view.reason === 'expired'
          ? [m.linkExpiredTitle, m.linkExpiredBody]
          : view.reason === 'used'
            ? [m.linkUsedTitle, m.linkUsedBody]
            : [m.linkInvalidTitle, m.linkInvalidBody];
      const resend = view.resendToken
        ? html`<form method="post" action="${setup.basePath}/update/resend">
            <input type="hidden" name="cardkeep_token" value="${view.resendToken}" />
            <input type="hidden" name="lang" value="${locale}" />
            <button type="submit">${m.sendNewLink}</button>
          </form>`
        : '';
      return html`<section class="box bad" role="alert" aria-labelledby="cardkeep-title">
        <h1 id="cardkeep-title">${title}</h1>
        <p>${body}</p>
        <div class="actions">${resend}${signIn}</div>
      </section>`;
    }
    case 'method':
      return html`<section class="box" role="status" aria-labelledby="cardkeep-title">
        <h1 id="cardkeep-title">${page.methodTitle(methodName(view.method))}</h1>
        <p>${page.methodBody(methodName(view.method))}</p>
        <div class="actions">${signIn}</div>
      </section>`;
    case 'sent':
      return html`<section class="box good" role="status" aria-labelledby="cardkeep-title">
        <h1 id="cardkeep-title">${page.newLinkTitle}</h1>
        <p>${m.newLinkSent}</p>
        <div class="actions">${signIn}</div>
      </section>`;
    case 'trouble':
      return html`<section class="box bad" role="alert" aria-labelledby="cardkeep-title">
        <h1 id="cardkeep-title">${view.message}</h1>
        <div class="actions">${signIn}</div>
      </section>`;
  }
}

/** A complete HTML document for `view`. `css` is {@link pageStyles}' text (hashed in the CSP). */
export function renderPage(view: PageView, setup: PageSetup, locale: Locale, css: string): string {
  const { page } = wordsFor(locale);
  const { shop } = setup;
  const name = shopName(shop, locale);
  const logo = shop.logoUrl ? html`<img src="${shop.logoUrl}" alt="" />` : '';
  const contact = shop.supportEmail
    ? (() => {
        const [before, after] = page.contact(shop.supportEmail).split(shop.supportEmail) as [
          string,
          string,
        ];
        return html`<footer>
          <p class="muted">
            ${before}<a href="mailto:${shop.supportEmail}">${shop.supportEmail}</a>${after}
          </p>
        </footer>`;
      })()
    : '';
  // Only the form is enhanced: the other pages say all there is to say without a script.
  const script =
    view.kind === 'form' && setup.scriptUrl
      ? html`<script src="${setup.scriptUrl}" defer></script>`
      : '';
  const document = html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex, nofollow" />
        <meta name="referrer" content="no-referrer" />
        <meta name="color-scheme" content="light dark" />
        <link rel="icon" href="${shop.logoUrl ?? 'data:,'}" />
        <title>${page.title(name)}</title>
        ${unsafeRaw(`<style>${css}</style>`)} ${script}
      </head>
      <body>
        <header>${logo}<span class="shop">${name}</span></header>
        <main>${content(view, setup, locale)}</main>
        ${contact}
      </body>
    </html>`;
  return document.value;
}
