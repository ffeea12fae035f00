import type { EvaluationContext } from '@openfeature/server-sdk';
import { flagClient } from '../featureFlags';

export const PAYMENT_METHODS = ['card', 'paypal', 'klarna', 'apple-pay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * Cards always work; each wallet integration ships dark behind its own flag,
 * `payment-method-<name>`, created by the team that builds it.
 */
export async function enabledPaymentMethods(context: EvaluationContext): Promise<PaymentMethod[]> {
  const client = flagClient();
  const enabled: PaymentMethod[] = ['card'];
  for (const method of PAYMENT_METHODS) {
    if (method === 'card') continue;
    if (await client.getBooleanValue(`payment-method-${method}`, false, context)) enabled.push(method);
  }
  return enabled;
}
