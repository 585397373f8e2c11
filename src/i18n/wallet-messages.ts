// What the banner says about a card saved from a wallet (Apple Pay, Google Pay, …), whose expiry
// is the device token's, not the plastic's, and about a failed payment by a method other than a
// card (Link, …), which has no expiry at all. A module of its own, outside `Messages`, so the
// script tag carries these words only when such a card is on file (as ./link-messages.ts does).
import type { Locale } from './messages.js';

/** The words about a wallet card, in one language. */
export interface WalletMessages {
  /** The notice's body: `wallet` is the wallet's name, `card` the card as the shopper knows it. */
  walletBody: (wallet: string, card: string) => string;
  /**
   * The notice's body when a payment by a method other than a card failed (`method`: "Link"):
   * it has no expiry to fix, so a card is the way forward.
   */
  methodBody: (method: string) => string;
}

/** Wallet names as their makers write them; another wallet is named by its id. */
const WALLETS: Record<string, string> = {
  apple_pay: 'Apple Pay',
  google_pay: 'Google Pay',
  samsung_pay: 'Samsung Pay',
  link: 'Link',
};

/** The wallet's name as shoppers know it. */
export const walletName = (wallet: string): string => WALLETS[wallet] ?? wallet;

/** English and Japanese. */
export const walletMessages: Record<Locale, WalletMessages> = {
  en: {
    walletBody: (wallet, card) =>
      `Your ${card} is saved from ${wallet}. Update it in your ${wallet} wallet, or use a different card here.`,
    methodBody: (method) =>
      `We couldn’t take your payment with ${method}. You can pay by card instead here.`,
  },
  ja: {
    walletBody: (wallet, card) =>
      `${card}は${wallet}から登録されています。${wallet}のウォレットで更新するか、こちらで別のカードをご登録ください。`,
    methodBody: (method) =>
      `${method}でのお支払いができませんでした。こちらでカードをご登録いただくと、カードでお支払いいただけます。`,
  },
};
