// What HttpAdapter needs only to write (./http-adapter.ts imports it with each POST): how the
// answers of an update, a replacement and a setup session are read. The script tag ships it in
// the expiry form's chunk (rollup.config.mjs), so a notice that only reads the card never pays
// for it.
import { obj, readCard, shown, str } from './http-adapter.js';
import type { PaymentOutcome, SetupSession, UpdateResult } from './types.js';

/** The payment statuses of the protocol (PaymentStatus); a regex costs fewer bytes than a list. */
const PAYMENT_STATUS = /^(succeeded|failed|requires_action|pending|none)$/;

/** An update's or a replacement's answer: the card, and what the issuer or the retry said. */
export function readUpdate(v: unknown): UpdateResult | undefined {
  const card = obj(v) ? readCard(v.card) : undefined;
  if (!card || !obj(v)) return undefined;
  const { action, payment } = v;
  const result: UpdateResult = card;
  if (action != null) {
    if (!obj(action) || action.type !== 'authenticate') return undefined;
    if (!str(action.clientSecret) || !str(action.publishableKey)) return undefined;
    const { clientSecret, publishableKey, intent } = action;
    // Any other intent is a SetupIntent's (the default); the loader checks the secret's kind.
    result.action = {
      type: 'authenticate',
      clientSecret,
      publishableKey,
      ...(intent === 'payment' ? { intent } : {}),
    };
  }
  if (payment != null) {
    if (!obj(payment) || !PAYMENT_STATUS.test(payment.status as string)) {
      return undefined;
    }
    result.payment = {
      status: payment.status as PaymentOutcome['status'],
      ...(typeof payment.amount === 'number' ? { amount: payment.amount } : {}),
      ...(str(payment.currency) ? { currency: payment.currency } : {}),
      ...(str(payment.description) ? { description: shown(payment.description, 200) } : {}),
    };
  }
  return result;
}

/** A setup session's answer. */
export function readSetupSession(data: unknown): SetupSession | undefined {
  return obj(data) && str(data.clientSecret) && str(data.publishableKey)
    ? { clientSecret: data.clientSecret, publishableKey: data.publishableKey }
    : undefined;
}
