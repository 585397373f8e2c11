// Money as a shopper reads it, in the widget, the update page and the dunning e-mail alike.

/**
 * An amount in the currency's smallest unit (Stripe's convention) as the shopper reads it:
 * 198000 JPY is ¥198,000 in English and 198,000円 in Japanese (as a Japanese shop writes it, not
 * Intl's ￥198,000), and 1999 USD is $19.99. Intl knows which currencies have no minor unit.
 * Undefined for an amount that is not a number or a currency code Intl does not know.
 */
export function formatAmount(amount: number, currency: string, locale: string): string | undefined {
  if (!Number.isFinite(amount)) return undefined;
  try {
    const code = currency.toUpperCase();
    const format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: code,
      ...(/^ja\b/i.test(locale) && code === 'JPY' ? { currencyDisplay: 'name' } : {}),
    });
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return undefined;
  }
}
