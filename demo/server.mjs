// The demo shop: static pages that use the script-tag bundle exactly as a merchant would, and
// Cardkeep's reference server mounted at /cardkeep. In-memory store by default; Stripe when
// STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are set, with Stripe's webhook at
// POST /stripe/webhook feeding the demo's outbox; the shared state (spent links, idempotency,
// locks, limits, webhook event ids) on Redis when REDIS_URL is set. `npm start` builds dist/ first.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join, extname } from 'node:path';
import { shopText } from './i18n.mjs';
import { ensureDemoCustomer } from './stripe-customer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DEMO_CUSTOMER = 'cus_demo';

/** Demo banners warn this far ahead, so Stripe mode's card (it expires this month) has a notice. */
const WARN_DAYS = 45;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The strict policy the demo runs under (README, "Security notes"): no inline script or style
 * anywhere, and Stripe's hosts only for the replacement form, which loads Stripe.js on demand.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' https://js.stripe.com",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' https://api.stripe.com",
  // 'self': the e-mail page shows the rendered e-mail in a frame (/email/message.html).
  "frame-src 'self' https://js.stripe.com https://hooks.stripe.com",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The rendered e-mail, shown in a frame as a mail client would: its inline styles are what mail
 * clients need, so this one response allows inline style — and nothing else at all (no script,
 * no request, no form).
 */
const EMAIL_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function cookies(header = '') {
  return Object.fromEntries(
    header
      .split(';')
      .map((part) => part.trim().split('='))
      .filter(([name]) => name)
      .map(([name, ...value]) => [name, decodeURIComponent(value.join('='))]),
  );
}

/** Loads a module of the build (dist/), as a merchant's server would load the package. */
async function loadBuilt(path) {
  const built = join(root, 'dist', path);
  if (!existsSync(built)) {
    throw new Error(`dist/${path} is missing: run \`npm run build\` (npm start does it for you).`);
  }
  return import(pathToFileURL(built).href);
}

/**
 * Starts the demo. `port: 0` picks a free port (tests). Returns its URL and a close function.
 * `stripe` (optional) is `{ secretKey, publishableKey, webhookSecret?, paymentMethodTypes?, apiUrl? }`; apiUrl points
 * the Stripe client at a local fake in tests and is never needed with real keys; webhookSecret
 * signs what POST /stripe/webhook accepts (`stripe listen` prints one; random by default). `now` is the clock of the
 * store, the handler and the links (tests run the demo on a calendar of their own). `redisUrl`
 * (optional) keeps the handler's shared state on that Redis, as several instances would.
 */
export async function startDemoServer({
  port = 8000,
  host = '127.0.0.1',
  stripe,
  redisUrl,
  linkSecret = randomBytes(32).toString('base64url'),
  log = console.log,
  now = () => new Date(),
} = {}) {
  const server = await loadBuilt('server/index.js');
  const { cardStatus } = await loadBuilt('core/index.js');
  const { readBody } = await loadBuilt('server/body.js');
  const session = randomBytes(18).toString('base64url');
  let store;
  let customerId = DEMO_CUSTOMER;
  if (stripe) {
    const { StripeStore } = server;
    store = await StripeStore.fromSecretKey(stripe.secretKey, {
      publishableKey: stripe.publishableKey,
      verifyOnUpdate: true,
      // Cards only unless the shop widens the replacement on purpose (e.g. ['card', 'link']).
      ...(stripe.paymentMethodTypes ? { paymentMethodTypes: stripe.paymentMethodTypes } : {}),
      // The name the banner greets with, when the customer has one ("田中" → 田中 様).
      greetingNameMetadataKey: 'greeting_name',
      now,
      ...(stripe.apiUrl ? { apiUrl: stripe.apiUrl } : {}),
    });
    customerId =
      stripe.customerId ??
      (await ensureDemoCustomer({
        secretKey: stripe.secretKey,
        apiVersion: server.STRIPE_API_VERSION,
        now,
        ...(stripe.apiUrl ? { apiUrl: stripe.apiUrl } : {}),
      }));
  } else {
    store = server.MemoryStore.demo('payment_failed', { now });
  }

  const state = redisUrl
    ? await (await loadBuilt('server/redis.js')).createRedisState({ url: redisUrl }, { now })
    : undefined;

  /**
   * What the shop "sent": new links ("Send me a new link") and dunning e-mails (the Stripe
   * webhook), newest first; the demo's stand-in for the shopper's inbox.
   */
  const outbox = [];
  const send = (mail) => {
    outbox.unshift({ at: new Date(), ...mail });
    outbox.length = Math.min(outbox.length, 20);
  };
  /** The demo's own address, known once it listens: links in e-mails point there. */
  let publicUrl = `http://localhost:${port}`;
  const handler = server.createCardkeepHandler({
    store,
    ...(state ? { state } : {}),
    linkSecret,
    now,
    basePath: '/cardkeep',
    authenticate: (request) =>
      cookies(request.headers.get('cookie') ?? '').demo_session === session ? customerId : null,
    // The update page (/cardkeep/update) in the shop's colours, with the ways forward.
    shop: {
      name: { en: shopText.en.shop, ja: shopText.ja.shop },
      supportEmail: 'help@hinata.example',
      color: '#8a4b12',
      logoUrl: '/assets/favicon.svg',
    },
    loginUrl: '/',
    sendLink: (to, { url, lang }) => send({ to, url, lang }),
    // The demo answers on whatever host and port it is opened with, and builds its links for
    // that origin. A real shop names its one public origin here: a forged Host header must
    // never choose where a mailed link points.
    publicOrigin: (request) => new URL(request.url).origin,
  });
  const cardkeep = server.toNodeListener(handler);

  /** The demo's query string for a language and theme: only what differs from the default. */
  const query = ({ lang, theme }) => {
    const next = new URLSearchParams();
    if (lang === 'ja') next.set('lang', 'ja');
    if (theme === 'dark') next.set('theme', 'dark');
    const s = next.toString();
    return s ? `?${s}` : '';
  };

  const newLink = (base, lang, theme) =>
    server.createUpdateLink(customerId, {
      baseUrl: `${base}/${query({ lang, theme })}`,
      secret: linkSecret,
      now,
    });

  /** A link to the self-hosted update page, as the dunning e-mail carries. */
  const pageLink = (base, lang) =>
    server.createUpdateLink(customerId, {
      page: `${base}/cardkeep`,
      secret: linkSecret,
      ...(lang === 'ja' ? { lang: 'ja' } : {}),
    });

  /**
   * The dunning e-mail for the demo customer as renderDunningEmail writes it. `failed` (the
   * amount of a declined renewal the webhook reports) writes the e-mail for it, or null when
   * the customer has no card; without it, the e-mail page's preview of the store's card.
   */
  async function dunningEmail(base, lang, failed) {
    const onFile = await store.getCard(customerId);
    if (failed && !onFile) return null;
    const card = onFile ?? { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2026 };
    return server.renderDunningEmail({
      lang,
      shop: { name: shopText[lang].shop, supportEmail: 'help@hinata.example', color: '#8a4b12' },
      customer: { greetingName: card.greetingName, since: card.customerSince ?? 2019 },
      card,
      link: pageLink(base, lang),
      amount: failed ?? { value: 1980, currency: 'jpy' },
      reason: failed || card.status === 'payment_failed' ? 'payment_failed' : 'expired',
    });
  }

  const webhookSecret = stripe
    ? (stripe.webhookSecret ?? `whsec_${randomBytes(24).toString('base64url')}`)
    : undefined;
  const webhook = stripe ? await stripeWebhook() : undefined;

  /**
   * Stripe mode's webhook endpoint, as docs/stripe.md tells merchants to write it: a declined
   * renewal (`invoice.payment_failed`) becomes a dunning e-mail in the outbox, once per event
   * (the ids are kept in the handler's shared state, Redis included), and none for a failure of
   * Cardkeep's own in-page retry: that shopper is on the page and sees the outcome there.
   */
  async function stripeWebhook() {
    const { default: Stripe } = await import('stripe');
    return server.toNodeListener(
      server.createStripeWebhookHandler({
        // Only its webhooks helper is used: no API call, so the key is never sent anywhere.
        stripe: new Stripe(stripe.secretKey, { apiVersion: server.STRIPE_API_VERSION }),
        webhookSecret,
        ...(state ? { state } : {}),
        onPaymentFailed: async (_event, { customerId: customer, invoice, inPageRetry }) => {
          if (inPageRetry || customer !== customerId) return;
          const lang = invoice.customer_shipping?.address?.country === 'JP' ? 'ja' : 'en';
          const failed = { value: invoice.amount_due, currency: invoice.currency };
          const email = await dunningEmail(publicUrl, lang, failed);
          if (!email) return;
          send({
            to: invoice.customer_email ?? customer,
            url: pageLink(publicUrl, lang),
            lang,
            subject: email.subject,
          });
        },
        onError: (error, event) =>
          log(`demo: webhook ${event.type} (${event.id}) failed: ${error?.message ?? error}`),
      }),
    );
  }

  async function page(name, url, res, extra = {}) {
    const lang = url.searchParams.get('lang') === 'ja' ? 'ja' : 'en';
    const theme = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
    const viaLink = url.searchParams.has('cardkeep_token');
    const text = shopText[lang];
    const card = await store.getCard(customerId);
    const withQuery = (changes) => query({ lang, theme, ...changes });
    const values = {
      ...text,
      lang,
      theme,
      mode: stripe ? 'stripe' : 'memory',
      warnDays: String(WARN_DAYS),
      q: withQuery({}),
      // With the path: a bare empty query (`href=""`) would reload the page as it is.
      langHref: `${url.pathname}${withQuery({ lang: lang === 'ja' ? 'en' : 'ja' })}`,
      themeHref: `${url.pathname}${withQuery({ theme: theme === 'dark' ? 'light' : 'dark' })}`,
      themeLabel: theme === 'dark' ? text.light : text.dark,
      who: viaLink ? text.viaLink : text.signedInAs,
      modeNote: stripe ? text.stripeNote : text.demoNote,
      cardLine: !card
        ? '—'
        : card.brand
          ? `${card.brand.toUpperCase()} •••• ${card.last4} — ${String(card.expMonth).padStart(2, '0')} / ${String(card.expYear).slice(-2)}`
          : card.kind === 'link'
            ? 'Link'
            : card.kind,
      returnTo: `${url.pathname}${withQuery({})}`,
      // The checkout's wording for the banner, as a merchant sets it: the `messages` attribute.
      checkoutMessages: JSON.stringify({
        paymentFailedTitle: text.checkoutNoticeTitle,
        paymentFailedBody: text.checkoutNoticeBody,
      }),
      ...extra,
    };
    const template = await readFile(join(here, 'pages', `${name}.html`), 'utf8');
    // {{{key}}}: markup the server built itself (escaped piece by piece); {{key}}: text.
    const html = template
      .replace(/\{\{\{(\w+)\}\}\}/g, (_, key) => values[key] ?? '')
      .replace(/\{\{(\w+)\}\}/g, (_, key) => escapeHtml(values[key] ?? ''));
    const headers = { ...SECURITY_HEADERS, 'content-type': TYPES['.html'] };
    if (!viaLink && name !== 'email') {
      // The demo's stand-in for the merchant's own login: a session cookie.
      headers['set-cookie'] = `demo_session=${session}; Path=/; HttpOnly; SameSite=Lax`;
    }
    res.writeHead(200, headers);
    res.end(html);
  }

  async function staticFile(path, res) {
    try {
      const body = await readFile(path);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      });
      res.end(body);
    } catch {
      notFound(res);
    }
  }

  function notFound(res) {
    res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  }

  async function route(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = `http://${req.headers.host ?? `localhost:${port}`}`;
    const path = url.pathname;
    // Cardkeep's routes, the update page and the browser files under /cardkeep/.
    if (path === '/cardkeep' || path.startsWith('/cardkeep/')) return cardkeep(req, res);
    // Stripe's deliveries: signed raw bytes, read by the webhook handler itself.
    if (webhook && path === '/stripe/webhook') return webhook(req, res);
    if (req.method === 'POST' && path === '/demo/reset') {
      // MemoryStore goes back to its seed; Stripe mode has no reset (the pages hide the button).
      await store.reset?.();
      // The server's own body reader; a form post over 4 KB is not the demo's, and is cut off.
      const bytes = await readBody(req, 4096);
      if (!bytes) return req.destroy();
      const back = new URLSearchParams(new TextDecoder().decode(bytes)).get('return') ?? '/';
      res.writeHead(303, { ...SECURITY_HEADERS, location: back.startsWith('/') ? back : '/' });
      return res.end();
    }
    if (req.method === 'POST' && path === '/demo/order') {
      // The shop's own checkout: it charges the card on file, so it asks the same question the
      // banner does. A refused order is an answer, not a failed request (no 4xx in the console).
      const authorised = cookies(req.headers.cookie ?? '').demo_session === session;
      const card = authorised ? await store.getCard(customerId) : null;
      // Link or another method has no expiry: only its last payment counts.
      const status = !card ? 'none' : card.brand ? cardStatus(card, now()) : card.status;
      const ok = status === 'ok' || status === 'expiring';
      res.writeHead(authorised ? 200 : 401, {
        ...SECURITY_HEADERS,
        'content-type': 'application/json',
      });
      return res.end(JSON.stringify({ ok, status }));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, SECURITY_HEADERS);
      return res.end();
    }
    if (path === '/' || path === '/index.html') return page('index', url, res);
    if (path === '/checkout.html') return page('checkout', url, res);
    if (path === '/email.html') {
      const lang = url.searchParams.get('lang') === 'ja' ? 'ja' : 'en';
      const { subject } = await dunningEmail(origin, lang);
      return page('email', url, res, {
        emailSubject: subject,
        messageSrc: `/email/message.html${lang === 'ja' ? '?lang=ja' : ''}`,
      });
    }
    if (path === '/email/message.html') {
      const lang = url.searchParams.get('lang') === 'ja' ? 'ja' : 'en';
      const { html } = await dunningEmail(origin, lang);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-security-policy': EMAIL_POLICY,
        'content-type': TYPES['.html'],
      });
      return res.end(html);
    }
    if (path === '/outbox.html') {
      const lang = url.searchParams.get('lang') === 'ja' ? 'ja' : 'en';
      const text = shopText[lang];
      const time = new Intl.DateTimeFormat(lang, { timeStyle: 'medium' });
      const items = outbox.length
        ? outbox
            .map(
              (mail) =>
                `<li><strong>${escapeHtml(mail.subject ?? text.outboxSubject)}</strong> <span class="muted">${escapeHtml(time.format(mail.at))} · ${escapeHtml(mail.to)}</span><br /><a class="outbox-link" href="${escapeHtml(mail.url)}">${escapeHtml(text.outboxOpen)}</a></li>`,
            )
            .join('\n')
        : `<li class="muted">${escapeHtml(text.outboxEmpty)}</li>`;
      return page('outbox', url, res, { outboxItems: items });
    }
    // The script tag and the chunks it imports later (dist/cardkeep-*-<hash>.min.js), with maps.
    if (/^\/cardkeep(-[a-z-]+-[\w-]+)?\.min\.js(\.map)?$/.test(path)) {
      return staticFile(join(root, 'dist', path.slice(1)), res);
    }
    if (path.startsWith('/assets/') && !path.includes('..')) {
      return staticFile(join(here, path), res);
    }
    return notFound(res);
  }

  const http = createServer((req, res) => {
    route(req, res).catch((error) => {
      log(
        `demo: ${req.method} ${new URL(req.url ?? '/', 'http://x').pathname} failed: ${error.message}`,
      );
      if (!res.headersSent) res.writeHead(500, SECURITY_HEADERS);
      res.end();
    });
  });
  await new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, resolve);
  });
  const actualPort = http.address().port;
  const url = `http://localhost:${actualPort}`;
  publicUrl = url;
  return {
    url,
    port: actualPort,
    store,
    customerId,
    newLink: (lang = 'en', theme = 'light') => newLink(url, lang, theme),
    pageLink: (lang = 'en') => pageLink(url, lang),
    outbox,
    webhookSecret,
    close: async () => {
      await new Promise((resolve) => http.close(resolve));
      await state?.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY } = process.env;
  const stripe =
    STRIPE_SECRET_KEY && STRIPE_PUBLISHABLE_KEY
      ? {
          secretKey: STRIPE_SECRET_KEY,
          publishableKey: STRIPE_PUBLISHABLE_KEY,
          customerId: process.env.STRIPE_CUSTOMER_ID,
          webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || undefined,
          // `card,link`: the replacement form offers Link too (StripeStore's paymentMethodTypes).
          paymentMethodTypes: process.env.STRIPE_PAYMENT_METHODS
            ? process.env.STRIPE_PAYMENT_METHODS.split(',')
            : undefined,
        }
      : undefined;
  const redisUrl = process.env.REDIS_URL || undefined;
  const storeName = stripe ? 'Stripe test mode' : 'in-memory store, no keys';
  const port = Number(process.env.PORT ?? 8000);
  let demo;
  try {
    demo = await startDemoServer({ port, stripe, redisUrl });
  } catch (error) {
    // One line a person can act on, not a stack trace.
    if (error?.code === 'EADDRINUSE' || error?.code === 'EACCES') {
      const why = error.code === 'EADDRINUSE' ? 'is already in use' : 'needs other permissions';
      console.error(
        `demo: port ${port} ${why}; choose another with PORT, e.g. PORT=3000 npm start`,
      );
      process.exit(1);
    }
    throw error;
  }
  console.log(`
Cardkeep demo (${storeName}${redisUrl ? `; shared state on ${new URL(redisUrl).host}` : ''})
  My account   ${demo.url}/            (Japanese: ${demo.url}/?lang=ja)
  Checkout     ${demo.url}/checkout.html
  E-mail       ${demo.url}/email.html
  Update page  ${demo.pageLink()}
  Signed link  ${demo.newLink()}${
    stripe
      ? `
  Webhook      POST ${demo.url}/stripe/webhook (${stripe.webhookSecret ? 'signed with STRIPE_WEBHOOK_SECRET' : 'set STRIPE_WEBHOOK_SECRET to what `stripe listen` prints'})`
      : ''
  }
Press Ctrl+C to stop.`);
}
