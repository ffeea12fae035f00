import { useBooleanFlagValue, useFlag } from '@openfeature/react-sdk';
import { FLAGS } from '../flags';

export function CheckoutButton() {
  const newCheckout = useBooleanFlagValue(FLAGS.NEW_CHECKOUT, false);
  const cta = useFlag('checkout-cta-copy', 'Place order');
  return (
    <a
      className="cta"
      href={newCheckout ? '/checkout' : '/checkout/step-1'}
      data-testid="checkout-cta"
      data-experiment-variant={cta.variant ?? 'default'}
    >
      {cta.value}
    </a>
  );
}
