// What the widget and the self-hosted update page say about a signed link that no longer
// works, and about a card that needs nothing. A module of its own, outside `Messages`, so the
// script tag carries these words only once something shows them: the update page (server)
// reads them today, and the banner's dead-link notice will import the same entries.
import type { Locale } from './messages.js';

/** The words about a link's state, in one language. */
export interface LinkMessages {
  /** The link's time ran out. */
  linkExpiredTitle: string;
  linkExpiredBody: string;
  /** The link was spent by an earlier save. */
  linkUsedTitle: string;
  linkUsedBody: string;
  /** Not a link the shop made (cut short, altered). */
  linkInvalidTitle: string;
  linkInvalidBody: string;
  /** Asks the shop to e-mail a fresh link to the address on file. */
  sendNewLink: string;
  /** The same answer whatever happened, so nobody learns whether an address exists. */
  newLinkSent: string;
  /** The way to the merchant's own sign-in page. */
  signIn: string;
  /** A genuine link whose card needs nothing. */
  upToDateTitle: string;
  upToDateBody: (card: string, expiry: string) => string;
}

/** English and Japanese (polite register, as a Japanese shop writes). */
export const linkMessages: Record<Locale, LinkMessages> = {
  en: {
    linkExpiredTitle: 'This link has expired',
    linkExpiredBody: 'For your security, the links in our e-mails only work for a limited time.',
    linkUsedTitle: 'This link has already been used',
    linkUsedBody: 'For your security, each link works only once.',
    linkInvalidTitle: 'This link isn’t valid',
    linkInvalidBody:
      'It may have been cut short. Open it again from your e-mail, or sign in to your account.',
    sendNewLink: 'Send me a new link',
    newLinkSent:
      'If we have an e-mail address for you, a new link is on its way. It can take a few minutes to arrive.',
    signIn: 'Sign in',
    upToDateTitle: 'Your card is up to date',
    upToDateBody: (card, expiry) =>
      `Your ${card} is valid until ${expiry}. There’s nothing you need to do.`,
  },
  ja: {
    linkExpiredTitle: 'このリンクは有効期限が切れています',
    linkExpiredBody: 'セキュリティのため、メールでお送りしたリンクには有効期限があります。',
    linkUsedTitle: 'このリンクはすでに使用されています',
    linkUsedBody: 'セキュリティのため、リンクは1回のみご利用いただけます。',
    linkInvalidTitle: 'このリンクは無効です',
    linkInvalidBody:
      'リンクが途中で切れている可能性があります。メールからもう一度開くか、アカウントにログインしてください。',
    sendNewLink: '新しいリンクを送る',
    newLinkSent:
      'メールアドレスのご登録がある場合は、新しいリンクをお送りしました。届くまで数分かかる場合があります。',
    signIn: 'ログイン',
    upToDateTitle: 'ご登録のカードは最新の状態です',
    upToDateBody: (card, expiry) => `${card}は ${expiry} まで有効です。お手続きは不要です。`,
  },
};
