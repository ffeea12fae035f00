import { useFlags } from 'launchdarkly-react-client-sdk';

/** The storefront's flags this header reads, under the camelCased keys LaunchDarkly's React SDK uses. */
type HeaderFlags = {
  newCheckout?: boolean;
};

/**
 * The site header, shared with the storefront app, which reads flags with LaunchDarkly's React
 * SDK: `useFlags()` hands every flag over with its key camelCased, so `new-checkout` is `newCheckout`.
 */
export function StorefrontHeader() {
  const { newCheckout = false } = useFlags<HeaderFlags>();
  return (
    <header className="site-header">
      <a href="/">Shop</a>
      <a href={newCheckout ? '/checkout' : '/checkout/step-1'} data-testid="header-checkout">
        Checkout
      </a>
    </header>
  );
}
