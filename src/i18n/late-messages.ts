import type { Locale, Messages, LateKey } from './messages.js';

/**
 * The words of Stripe's later steps, in both languages: a renewal payment the bank wants the
 * shopper to confirm (3-D Secure), a return from the bank's page after a redirect, and a
 * method other than a card (Stripe refusing one, or a widened form saving one). Only a
 * shopper who meets them needs them, so they load with Stripe.js's helpers (src/lazy-parts.ts),
 * neither with every notice nor with the Japanese chunk.
 */
export const lateMessages: Record<Locale, Pick<Messages, LateKey>> = {
  en: {
    paymentConfirming:
      'Saved. Now your bank wants you to confirm the payment: follow the steps in the window that opens.',
    paymentConfirmed: (amount) =>
      amount
        ? `Payment confirmed: your payment of ${amount} went through.`
        : 'Payment confirmed: your payment went through.',
    paymentProcessing:
      'Payment confirmed. Your bank is still processing it; there’s nothing more to do.',
    paymentNotConfirmed: (amount) =>
      amount
        ? `The payment wasn’t confirmed. Your card is saved, but the payment of ${amount} is still due.`
        : 'The payment wasn’t confirmed. Your card is saved, but the payment is still due.',
    replaceReturnFailed:
      'Your bank didn’t confirm the new card, so it wasn’t saved. Try again, or use another card.',
    replaceReturnProcessing:
      'Your bank is still confirming the new card, so it isn’t saved yet. Please try again in a few minutes.',
    replaceCardsOnly: 'Only a card can be saved here. Please enter your card’s details.',
    replacedMethod: (method) => `You now pay with ${method}.`,
  },
  ja: {
    paymentConfirming:
      '保存しました。続いて、お支払いについてカード会社の確認が必要です。表示される画面の案内に沿ってお手続きください。',
    paymentConfirmed: (amount) =>
      amount
        ? `確認が完了し、${amount}のお支払いが完了しました。`
        : '確認が完了し、お支払いが完了しました。',
    paymentProcessing:
      '確認が完了しました。お支払いはカード会社で処理中です。これ以上のお手続きは不要です。',
    paymentNotConfirmed: (amount) =>
      amount
        ? `お支払いの確認が完了しませんでした。カード情報は保存されていますが、${amount}のお支払いはまだ完了していません。`
        : 'お支払いの確認が完了しませんでした。カード情報は保存されていますが、お支払いはまだ完了していません。',
    replaceReturnFailed:
      'カード会社で新しいカードの確認ができなかったため、登録されていません。もう一度お試しいただくか、別のカードをご利用ください。',
    replaceReturnProcessing:
      'カード会社で新しいカードを確認中のため、まだ登録されていません。数分後にもう一度お試しください。',
    replaceCardsOnly: 'こちらではカードのみご登録いただけます。カード情報をご入力ください。',
    replacedMethod: (method) => `お支払い方法を${method}に変更しました。`,
  },
};
