import { OpenFeatureProvider } from '@openfeature/react-sdk';
import { OpenFeature, type EvaluationContext } from '@openfeature/web-sdk';
import { renderToString } from 'react-dom/server';
import { PAGE_DOMAIN } from './pageFlags';
import { PricingPage } from './PricingPage';

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

/** Server-renders the pricing page for one visitor; `startPageFlags` must have run. */
export function renderPricingPage(context: EvaluationContext): Promise<string> {
  return oneAtATime(async () => {
    await OpenFeature.setContext(PAGE_DOMAIN, context);
    const body = renderToString(
      <OpenFeatureProvider domain={PAGE_DOMAIN}>
        <PricingPage />
      </OpenFeatureProvider>,
    );
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pricing</title></head><body>${body}</body></html>`;
  });
}
