// The script tag (dist/cardkeep.min.js): a small classic script with no Lit in it. For each
// Cardkeep element in the page (now or later) it asks `GET {endpoint}/card` itself; when every
// card is fine it stops there. Only when a notice is due, or the page already shows it needs the
// widget (a signed link in the URL, a stand-alone form, an `eager` banner), does it import() the
// elements — rollup's chunks next to this file, listed in dist/browser-files.json — and hand
// them the answers it already has (src/adapter/handover.ts), so nothing is fetched twice.
import { cardStatus } from './core/card-status.js';
import { HANDOVER, handoverKey } from './adapter/handover.js';
import type { HandedOver } from './adapter/handover.js';
import type { Locale } from './i18n/messages.js';
import type { start } from './script-tag-ui.js';

/** The chunks this file may import, relative to it, and their SRI hashes (by rollup.config.mjs). */
interface Files {
  ui: string;
  form: string;
  ja: string;
  replace: string;
  integrity: Record<string, string>;
}
declare const __CARDKEEP_FILES__: Files;

interface Ui {
  start: typeof start;
}

/** A `GET /card` answer, read once: the decision here needs the body, and so does the banner. */
type Answer = HandedOver;

const BANNER = 'cardkeep-banner';
const FORM = 'cardkeep-expiry-form';
const REPLACE = 'cardkeep-replace-card';
const SELECTOR = `${BANNER},${FORM},${REPLACE}`;
/** Attributes that change which card a banner shows, or whether it wants the UI at once. */
const WATCHED = [
  'endpoint',
  'token',
  'credentials',
  'csrf-header',
  'csrf-token',
  'warn-days',
  'eager',
];
/** One copy of the script per page does the work, however often the tag is pasted. */
const ONCE = Symbol.for('cardkeep.script-tag');

const page = globalThis as { [ONCE]?: boolean };
if (!page[ONCE] && !customElements.get(BANNER)) {
  page[ONCE] = true;
  boot(__CARDKEEP_FILES__, document.currentScript as HTMLScriptElement | null);
}

function boot(files: Files, self: HTMLScriptElement | null) {
  const here = self?.src || document.baseURI;
  const url = (file: string) => new URL(file, here).href;
  const linkToken = new URL(location.href).searchParams.get('cardkeep_token');
  /** The requests made here, for the elements to take over (src/adapter/handover.ts). */
  const scope = globalThis as { [HANDOVER]?: Map<string, Promise<Answer>> };
  const cards = (scope[HANDOVER] ??= new Map());
  const locales = new Set<Locale>(['en']);
  /** The latest request per banner: a late answer to an older one decides nothing. */
  const latest = new WeakMap<Element, Promise<Answer>>();
  const seen = new WeakSet<Element>();
  const quiet = new Set<Element>();
  let ui: Promise<void> | undefined;

  const langOf = (el: Element): Locale =>
    /^ja\b/i.test(el.closest('[lang]')?.getAttribute('lang') ?? '') ? 'ja' : 'en';

  /**
   * Served from another origin (a CDN), every chunk is pinned to this build by an import map's
   * `integrity` before the first import(): a swapped file does not run. The map is an inline
   * script, so it carries this tag's nonce for nonce-based CSPs; a CSP that blocks it anyway
   * (a host list without a nonce) would leave the chunks unpinned, so then nothing is loaded
   * and the console says why. Same-origin files need no pin (whoever can swap them can swap
   * this file), and no inline script is added at all.
   */
  const sameOrigin = new URL(here).origin === location.origin;
  let pinned: Promise<boolean> | undefined;
  const pin = () =>
    (pinned ??= new Promise<boolean>((resolve) => {
      const map = document.createElement('script');
      map.type = 'importmap';
      if (self?.nonce) map.nonce = self.nonce;
      const integrity = Object.entries(files.integrity).map(([file, hash]) => [url(file), hash]);
      map.textContent = JSON.stringify({ integrity: Object.fromEntries(integrity) });
      let blocked = false;
      const spot = (event: Event) => (blocked ||= event.target === map);
      document.addEventListener('securitypolicyviolation', spot, true);
      (document.head ?? document.documentElement).append(map);
      // The violation is reported in a task of its own: look once it had its turn.
      setTimeout(() => {
        document.removeEventListener('securitypolicyviolation', spot, true);
        if (blocked) {
          console.error(
            'Cardkeep: the CSP blocked the import map that pins its files: add a nonce.',
          );
        }
        resolve(!blocked);
      });
    }));

  /**
   * Imports these chunks once they are pinned (see pin); same-origin ones at once, in this
   * task, so the request goes out before anything else this task sends.
   */
  const load = (chunks: string[]): Promise<unknown[]> => {
    const go = () => Promise.all(chunks.map((file) => import(url(file))));
    return sameOrigin ? go() : pin().then((ok) => (ok ? go() : Promise.reject(new Error())));
  };

  /** Imports the elements (once; again after a failed load) and starts them. */
  const wake = (el: Element, also: string[] = []): Promise<void> => {
    locales.add(langOf(el));
    // The other chunks the page needs come in parallel with the elements, not after them.
    const more = [...also, ...(locales.has('ja') ? [files.ja] : [])];
    if (ui) {
      load(more).catch(() => {});
      return ui;
    }
    ui = load([files.ui, ...more]).then(
      ([elements]) => {
        // The stand-in `refresh` must not shadow the banner's own once it upgrades.
        for (const banner of quiet) delete (banner as Partial<Record<'refresh', unknown>>).refresh;
        return (elements as Ui).start(locales);
      },
      () => {
        ui = undefined;
      },
    );
    return ui;
  };

  /**
   * The chunks a stand-alone form needs. The replacement form imports the thank-you from the
   * expiry form's chunk: both come at once, not one after the other.
   */
  const formsOf = (el: Element) =>
    el.localName === REPLACE ? [files.replace, files.form] : [files.form];

  /** Asks `GET {endpoint}/card` exactly as the element's HttpAdapter would. */
  const ask = (el: Element, endpoint: string): Promise<Answer> => {
    const target = `${endpoint.replace(/\/+$/, '')}/card`;
    const credentials = (el.getAttribute('credentials') || 'same-origin') as RequestCredentials;
    const headers: Record<string, string> = { Accept: 'application/json' };
    const bearer = el.getAttribute('token') ?? linkToken;
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    const csrfHeader = el.getAttribute('csrf-header');
    const csrfToken = el.getAttribute('csrf-token');
    if (csrfHeader && csrfToken) headers[csrfHeader] = csrfToken;
    const answer = fetch(target, { headers, credentials, cache: 'no-store' }).then(
      async (response): Promise<Answer> => ({
        status: response.status,
        headers: response.headers,
        text: await response.text(),
      }),
    );
    cards.set(handoverKey(target, credentials, headers.Authorization ?? ''), answer);
    return answer;
  };

  /** True when the banner would show nothing for this answer (its rules, src/components/banner). */
  const fine = (el: Element, { status, text }: Answer): boolean => {
    if (status !== 200) return false;
    let card: unknown;
    try {
      card = (JSON.parse(text) as { card?: unknown }).card;
    } catch {
      return false;
    }
    if (card === null) return true;
    const c = card as {
      id?: unknown;
      kind?: unknown;
      expMonth?: unknown;
      expYear?: unknown;
      status?: unknown;
    };
    // A method that is no card (Link…: docs/protocol.md) has no expiry; the banner only speaks
    // of its failed payment, so one that paid is fine here too.
    if (typeof c.kind === 'string' && c.kind !== 'card' && typeof c.id === 'string') {
      return c.status === 'ok';
    }
    // Anything odd goes to the banner, whose adapter checks the answer and reports the error.
    if (typeof c.id !== 'string' || !Number.isInteger(c.expMonth) || !Number.isInteger(c.expYear)) {
      return false;
    }
    const warnDays = Number(el.getAttribute('warn-days')) || 0;
    const state = cardStatus(c as { expMonth: number; expYear: number }, new Date(), { warnDays });
    if (state === 'ok') return true;
    if (state === 'payment_failed') return false;
    try {
      return Number(localStorage.getItem(`cardkeep:snooze:${c.id}`)) > Date.now();
    } catch {
      return false;
    }
  };

  const inspect = (el: Element) => {
    if (customElements.get(BANNER)) {
      // The elements are here: a banner fetches its own card; a form added later gets its
      // chunk, which registers it (the replacement form's includes Stripe's loader).
      if (el.localName !== BANNER) {
        load(formsOf(el)).catch(() => {});
      }
      return;
    }
    // When the page shows it needs the elements, their import goes out before the card request:
    // the chunks are the longer download, so they set when the notice can paint. (The card's
    // answer still waits in the handover before any chunk can run: this is one task.)
    const endpoint = el.getAttribute('endpoint');
    const own = Object.hasOwn(el, 'adapter');
    if (el.localName !== BANNER) {
      // A stand-alone form is shown at once: it needs the elements now, and its card too.
      void wake(el, formsOf(el));
      if (el.localName === FORM && endpoint && !own) void ask(el, endpoint);
      return;
    }
    // The page says it needs the notice (or we cannot tell): the elements load alongside.
    // From a signed link the banner opens its form at once: that comes in parallel too.
    const now = !endpoint || own || linkToken || el.hasAttribute('eager');
    if (now) void wake(el, linkToken ? [files.form] : []);
    const answer = endpoint && !own ? ask(el, endpoint) : undefined;
    latest.set(el, answer!);
    if (now || !answer) return;
    answer.then(
      (a) => {
        if (latest.get(el) !== answer || ui) return;
        if (!fine(el, a)) void wake(el);
        else if (!quiet.has(el)) {
          quiet.add(el);
          // `refresh()` (e.g. after a failed checkout) works before the elements are here: it
          // brings them, and the banner loads its card afresh as it upgrades.
          Object.assign(el, { refresh: () => wake(el) });
        }
      },
      // Offline or refused: the banner reports it (`cardkeep-error`) and tries once more.
      () => latest.get(el) === answer && void wake(el),
    );
  };

  const watch = new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target as Element;
      if (record.type === 'attributes') {
        if (target.localName === BANNER && target.isConnected && !ui) inspect(target);
        continue;
      }
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        for (const el of [node, ...node.querySelectorAll(SELECTOR)]) {
          if (el.matches(SELECTOR) && !seen.has(el)) {
            seen.add(el);
            inspect(el);
          }
        }
      }
    }
  });
  watch.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: WATCHED,
  });
  for (const el of document.querySelectorAll(SELECTOR)) {
    seen.add(el);
    inspect(el);
  }
}
