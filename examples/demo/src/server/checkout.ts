import type { EvaluationContext } from '@openfeature/server-sdk';
import { EXPRESS_SHIPPING, FLAGS, FlagKey, flagClient, isFeatureOn } from '../features';
import { flatTaxCents, providerTaxCents, type Cart } from './pricing';
import { buildQuote } from './quote';

/** The experiment's flag; its variant is logged with every order for the conversion analysis. */
const CTA_EXPERIMENT_FLAG = 'checkout-cta-copy';

const { NEW_CHECKOUT } = FLAGS;

/** Orders above this get express delivery for free. */
export const FREE_EXPRESS_THRESHOLD_CENTS = 20000;

export interface CheckoutRequest {
  cart: Cart;
  shipping: 'standard' | 'express' | 'economy';
  giftCardCode?: string;
}

export interface CheckoutResult {
  orderId: string;
  /** `one-page` with the new checkout, `wizard` with the three-step one. */
  flow: 'one-page' | 'wizard';
  /** Why the flow was chosen (flagd's reason: TARGETING_MATCH, SPLIT, STATIC...). */
  flowReason: string;
  ctaCopy: string;
  deliveryPromise: string;
  freeExpressUpgrade: boolean;
  taxCents: number;
  totalCents: number;
  campaign: string | undefined;
  nextStep: string;
  problems: string[];
}

export async function checkout(
  request: CheckoutRequest,
  context: EvaluationContext,
  orderId: string,
): Promise<CheckoutResult> {
  const client = flagClient();
  const quote = await buildQuote(request.cart, context);
  const problems = [...quote.problems];

  const flow = await client.getBooleanDetails(NEW_CHECKOUT, false, context);
  const ctaCopy = await client.getStringValue(CTA_EXPERIMENT_FLAG, 'Place order', context);

  // When the tax provider is switched off, orders are taxed at the flat regional rate.
  const liveTax = await client.getBooleanValue(FLAGS.EXTERNAL_TAX_API, false, context);
  const taxCents = liveTax
    ? providerTaxCents(quote.lines, request.cart.country)
    : flatTaxCents(quote.subtotalCents, request.cart.country);

  const expressShipping = await client.getBooleanValue(EXPRESS_SHIPPING, false, context);
  const deliveryPromise = expressShipping
    ? 'Order by 2 pm for next-day delivery'
    : 'Delivered in 3-5 business days';
  const freeExpressUpgrade =
    expressShipping && request.shipping === 'express' && quote.subtotalCents >= FREE_EXPRESS_THRESHOLD_CENTS;

  if (
    request.giftCardCode !== undefined &&
    !(await client.getBooleanValue(FlagKey.GiftCards, false, context))
  ) {
    problems.push('Gift cards cannot be used yet.');
  }

  // Orders placed while the holiday banner runs are attributed to the winter sale.
  const bannerVariant = await client.getStringValue('holiday-banner', 'off', context);
  const campaign = bannerVariant === 'on' ? 'winter-sale' : undefined;

  const nextStep = (await isFeatureOn('new-onboarding', context)) ? '/welcome/tour' : `/orders/${orderId}`;

  const shipping = quote.shipping.find((option) => option.id === request.shipping);
  if (!shipping) problems.push(`"${request.shipping}" delivery is not offered for this order.`);
  const shippingCents = freeExpressUpgrade ? 0 : (shipping?.priceCents ?? 0);
  return {
    orderId,
    flow: flow.value ? 'one-page' : 'wizard',
    flowReason: flow.reason ?? 'UNKNOWN',
    ctaCopy,
    deliveryPromise,
    freeExpressUpgrade,
    taxCents,
    totalCents: quote.subtotalCents + taxCents + shippingCents,
    campaign,
    nextStep,
    problems,
  };
}
