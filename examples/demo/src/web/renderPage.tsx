import { OpenFeatureProvider } from '@openfeature/react-sdk';
import { OpenFeature, type EvaluationContext } from '@openfeature/web-sdk';
import { LDProvider } from 'launchdarkly-react-client-sdk';
import { renderToString } from 'react-dom/server';
import { PAGE_DOMAIN, pageFlagValues } from './pageFlags';
import { PricingPage } from './PricingPage';
import { StorefrontHeader } from './StorefrontHeader';

/**
 * The storefront's LaunchDarkly client-side ID. A server render never mounts `LDProvider`, so it
 * never connects: the header reads the values bootstrapped below.
 */
const STOREFRONT_CLIENT_SIDE_ID = 'storefront-web';

/**
 * The web SDK holds one context per domain (it was made for one user per browser tab), so
 * server renders take turns: each sets its user's context, then renders synchronously.
 */
let previousRender: Promise<unknown> = Promise.resolve();

function oneAtATime<T>(render: () => Promise<T>): Promise<T> {
  const result = previousRender.then(render, render);
  previousRender = result.catch(() => undefined);
  return result;
}

/**
 * Server-renders the pricing page for one visitor; `startPageFlags` must have run. The header's
 * LaunchDarkly provider is bootstrapped with the values flagd serves this visitor, the way
 * LaunchDarkly bootstraps server-rendered pages, so both SDKs show the same flags.
 */
export function renderPricingPage(context: EvaluationContext): Promise<string> {
  return oneAtATime(async () => {
    await OpenFeature.setContext(PAGE_DOMAIN, context);
    const body = renderToString(
      <OpenFeatureProvider domain={PAGE_DOMAIN}>
        <LDProvider clientSideID={STOREFRONT_CLIENT_SIDE_ID} options={{ bootstrap: pageFlagValues(context) }}>
          <StorefrontHeader />
          <PricingPage />
        </LDProvider>
      </OpenFeatureProvider>,
    );
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pricing</title></head><body>${body}</body></html>`;
  });
}
