import { proseMonth, waitIn } from './messages.js';
import type { Messages, LateKey } from './messages.js';

/** Japanese messages (polite register, as a Japanese shop writes to its customers). */
export const ja: Omit<Messages, LateKey> = {
  locale: 'ja',
  greeting: (name) => `${name} 様`,
  customerSince: (year) => `${year}年からのご愛顧、誠にありがとうございます。`,
  expiredTitle: 'ご登録のカードの有効期限が切れています',
  expiryMonth: (month, year) => proseMonth('ja', month, year),
  expiredBody: (card, expiry) =>
    `ご登録の${card}は、${expiry}で有効期限が切れています。同じ番号の新しいカードがお手元にある場合は、新しい有効期限を入力するだけで更新できます。`,
  paymentFailedTitle: '前回のお支払いを完了できませんでした',
  paymentFailedBody: (card, expiry, expired) =>
    expired
      ? `ご登録の${card}は${expiry}で有効期限が切れているため、お支払いができませんでした。新しいカードの有効期限をご入力いただければ、お支払いを再度お手続きします。`
      : `ご登録の${card}でのお支払いができませんでした。新しいカードが届いている場合は、有効期限をご入力いただければ、お支払いを再度お手続きします。`,
  expiringTitle: 'ご登録のカードの有効期限が近づいています',
  expiringBody: (card, expiry) =>
    `ご登録の${card}は、${expiry}で有効期限が切れます。新しいカードが届きましたら、こちらで有効期限を更新してください。`,
  updateExpiry: '有効期限を更新',
  useDifferentCard: '別のカードを使う',
  remindLater: 'あとで通知する',
  updatedTitle: 'カード情報を更新しました。ありがとうございます',
  updatedBody: (card, expiry) => `${card}の有効期限を${expiry}に更新しました。`,
  paymentSucceeded: (amount, description) =>
    description
      ? `${description}のお支払い（${amount}）が完了しました。`
      : `${amount}のお支払いが完了しました。`,
  paymentStillFailed:
    'お支払いはまだ完了していません。カード番号が変わっている可能性がありますので、別のカードをお試しください。',
  formTitle: (card) => `${card}の新しい有効期限`,
  formHint: '新しいカードの表面に記載されています。カード番号の入力は不要です。',
  expiryLabel: '有効期限 (MM / YY)',
  expiryPlaceholder: 'MM / YY',
  save: '保存',
  saving: '保存中…',
  cancel: 'キャンセル',
  tryAgain: 'もう一度試す',
  invalid: {
    empty: 'カードに記載の有効期限を MM / YY の形式で入力してください。',
    format: '「08 / 29」のように MM / YY の形式で入力してください。',
    month: '月は 01〜12 で入力してください。',
    past: 'この日付はすでに過ぎています。新しいカードをご確認ください。',
    too_far: '日付が先すぎます。新しいカードをご確認ください。',
  },
  cardNumberNotNeeded: 'カード番号のようなので消去しました。有効期限だけを入力してください。',
  errors: {
    network: 'ショップに接続できませんでした。通信環境をご確認のうえ、もう一度お試しください。',
    timeout: 'ショップからの応答がありません。もう一度お試しください。',
    unauthorized:
      'このリンクは有効期限が切れているか、すでに使用されています。アカウントにログインしてカードを更新してください。',
    invalid_expiry:
      'この有効期限は受け付けられませんでした。新しいカードの有効期限をご確認ください。',
    card_declined:
      'カード会社に承認されませんでした。新しいカード番号が発行されている可能性があります。新しいカードをご登録ください。',
    rate_limited: '試行回数が上限に達しました。しばらく待ってから、もう一度お試しください。',
    server: '問題が発生しました。もう一度お試しください。',
  },
  // Japanese writes 1秒後 and 2分後 without the space Intl puts in.
  rateLimitedFor: (seconds) => {
    const { unit, value } = waitIn(seconds);
    return `試行回数が上限に達しました。${value}${unit === 'second' ? '秒' : '分'}後にもう一度お試しください。`;
  },
  replaceTitle: '別のカードを使う',
  replaceIntro:
    'カード情報は、決済代行会社 Stripe の安全なフォームに直接送信されます。当店がカード番号を知ることはありません。',
  replaceLoading: '安全なカード入力フォームを読み込んでいます…',
  replaceLoadFailed:
    'カード入力フォームを読み込めませんでした。通信環境やブラウザの設定をご確認のうえ、もう一度お試しください。',
  replaceFallback: 'アカウントページでカードを更新する',
  saveCard: 'カードを保存',
  replaced: (card) => `新しいカード（${card}）を登録しました。`,
  authenticating: 'カード会社の画面で本人確認を行ってください。',
  authFailed:
    'カード会社で本人確認ができませんでした。もう一度お試しいただくか、別のカードをご利用ください。',
  close: '閉じる',
  paymentWentThrough: 'お支払いが完了しました。',
};
