import type { EvaluationContext } from '@openfeature/server-sdk';
import { FLAGS, flagClient, isFeatureOn } from '../features';
import {
  checkCartSize,
  flatTaxCents,
  priceLines,
  providerTaxCents,
  sumCents,
  type Cart,
  type PricedLine,
} from './pricing';
import { shippingOptionsFor, type ShippingOption } from './shipping';

export interface Quote {
  lines: PricedLine[];
  subtotalCents: number;
  taxCents: number;
  taxSource: 'provider' | 'flat-rate';
  shipping: ShippingOption[];
  totalCents: number;
  /** Problems the shopper must fix before checking out. */
  problems: string[];
}

/** Prices a cart for the cart page: lines, tax, shipping options. */
export async function buildQuote(cart: Cart, context: EvaluationContext): Promise<Quote> {
  const client = flagClient();
  const problems: string[] = [];

  const maxItems = await client.getNumberValue(`max-cart-items`, 50, context);
  const sizeProblem = checkCartSize(cart, maxItems);
  if (sizeProblem) problems.push(sizeProblem);

  // Metered lines are priced by the v2 pricing API, so usage-based pricing needs both flags.
  const usageBasedPricing =
    (await isFeatureOn('new-api', context)) && (await isFeatureOn(FLAGS.USAGE_BASED_PRICING, context));
  const lines = priceLines(cart, usageBasedPricing);
  const subtotalCents = sumCents(lines);

  // A quote shows the provider's exact tax whenever it can.
  const liveTax = await client.getBooleanValue('external-tax-api', true, context);
  const taxCents = liveTax
    ? providerTaxCents(lines, cart.country)
    : flatTaxCents(subtotalCents, cart.country);

  const shipping = await shippingOptionsFor(subtotalCents, context);
  const cheapestShipping = Math.min(...shipping.map((option) => option.priceCents));
  return {
    lines,
    subtotalCents,
    taxCents,
    taxSource: liveTax ? 'provider' : 'flat-rate',
    shipping,
    totalCents: subtotalCents + taxCents + cheapestShipping,
    problems,
  };
}
