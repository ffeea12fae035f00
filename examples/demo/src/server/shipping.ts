import type { EvaluationContext } from '@openfeature/server-sdk';
import { flagClient } from '../featureFlags';
import { EXPRESS_SHIPPING } from '../flags';

export interface ShippingOption {
  id: 'standard' | 'express' | 'economy';
  label: string;
  priceCents: number;
  businessDays: number;
}

export const FREE_STANDARD_THRESHOLD_CENTS = 5000;

export function standardOptions(subtotalCents: number): ShippingOption[] {
  return [
    {
      id: 'standard',
      label: 'Standard',
      priceCents: subtotalCents >= FREE_STANDARD_THRESHOLD_CENTS ? 0 : 499,
      businessDays: 4,
    },
  ];
}

export function expressOption(subtotalCents: number): ShippingOption {
  return {
    id: 'express',
    label: 'Express',
    priceCents: subtotalCents >= 15000 ? 999 : 1499,
    businessDays: 1,
  };
}

/** The options the shop offers a cart. */
export async function shippingOptionsFor(
  subtotalCents: number,
  context: EvaluationContext,
): Promise<ShippingOption[]> {
  if (await flagClient().getBooleanValue(EXPRESS_SHIPPING, false, context)) {
    return [...standardOptions(subtotalCents), expressOption(subtotalCents)];
  } else {
    return legacyShippingOptions(subtotalCents);
  }
}

/** The table from before express delivery: economy and standard, never free. */
function legacyShippingOptions(subtotalCents: number): ShippingOption[] {
  return [
    { id: 'economy', label: 'Economy', priceCents: 299, businessDays: 7 },
    { id: 'standard', label: 'Standard', priceCents: subtotalCents >= 10000 ? 299 : 599, businessDays: 4 },
  ];
}
