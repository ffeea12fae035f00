/**
 * Pricing rules of the shop, as pure functions of the cart. Money is in cents. The flags decide
 * which rule applies; these functions never read flags themselves, so they test without a provider.
 */

export interface CartLine {
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  /** Billed per unit of usage (API calls, seats...) rather than per item. */
  metered?: boolean;
}

export interface Cart {
  lines: CartLine[];
  /** ISO 3166 alpha-2 country of the billing address. */
  country: string;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  totalCents: number;
}

export function itemCount(cart: Cart): number {
  return cart.lines.filter((line) => !line.metered).reduce((count, line) => count + line.quantity, 0);
}

/** A message for the shopper when the cart holds more items than allowed, else undefined. */
export function checkCartSize(cart: Cart, maxItems: number): string | undefined {
  const count = itemCount(cart);
  return count > maxItems ? `A cart holds at most ${maxItems} items; this one has ${count}.` : undefined;
}

/** Volume pricing for metered lines: units past the first 1,000 cost 20% less. */
export const METERED_DISCOUNT_THRESHOLD = 1000;
export const METERED_DISCOUNT = 0.2;

export function meteredLineCents(line: CartLine): number {
  const full = Math.min(line.quantity, METERED_DISCOUNT_THRESHOLD);
  const discounted = Math.max(0, line.quantity - METERED_DISCOUNT_THRESHOLD);
  return Math.round(full * line.unitPriceCents + discounted * line.unitPriceCents * (1 - METERED_DISCOUNT));
}

/** Prices every line; metered lines get volume pricing only with usage-based pricing on. */
export function priceLines(cart: Cart, usageBasedPricing: boolean): PricedLine[] {
  return cart.lines.map((line) => ({
    sku: line.sku,
    name: line.name,
    quantity: line.quantity,
    totalCents:
      line.metered && usageBasedPricing ? meteredLineCents(line) : line.unitPriceCents * line.quantity,
  }));
}

export function sumCents(lines: readonly PricedLine[]): number {
  return lines.reduce((sum, line) => sum + line.totalCents, 0);
}

/** Flat regional rates: the fallback when live tax quotes are switched off. */
export const FLAT_TAX_RATES: Readonly<Record<string, number>> = {
  US: 0.08,
  GB: 0.2,
  DE: 0.19,
  FR: 0.2,
  NL: 0.21,
};
export const FALLBACK_TAX_RATE = 0.2;

export function flatTaxCents(subtotalCents: number, country: string): number {
  return Math.round(subtotalCents * (FLAT_TAX_RATES[country] ?? FALLBACK_TAX_RATE));
}

/**
 * What the tax provider answers for a cart: standard rates, with the reduced rate for books.
 * The demo computes it locally so it stays offline; in production this is an HTTP call.
 */
export const REDUCED_TAX_RATES: Readonly<Record<string, number>> = {
  US: 0,
  GB: 0,
  DE: 0.07,
  FR: 0.055,
  NL: 0.09,
};

export function providerTaxCents(lines: readonly PricedLine[], country: string): number {
  const standard = FLAT_TAX_RATES[country] ?? FALLBACK_TAX_RATE;
  const reduced = REDUCED_TAX_RATES[country] ?? standard;
  return lines.reduce(
    (tax, line) => tax + Math.round(line.totalCents * (line.sku.startsWith('book-') ? reduced : standard)),
    0,
  );
}
