import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startPageFlags, stopPageFlags } from '../src/web/pageFlags';
import { renderPricingPage } from '../src/web/renderPage';

// The pricing page rendered on the server through the React SDK, with the production flag file.

function attribute(html: string, testId: string, name: string): string | undefined {
  const element = new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`).exec(html)?.[0];
  return element ? new RegExp(`${name}="([^"]*)"`).exec(element)?.[1] : undefined;
}

describe('pricing page (production flags)', () => {
  before(() => startPageFlags('production'));
  after(() => stopPageFlags());

  it('shows the comparison table to acme.com and plan cards to everyone else', async () => {
    const acme = await renderPricingPage({ targetingKey: 'u-1', email: 'ada@acme.com' });
    assert.match(acme, /data-layout="comparison"/);
    assert.match(acme, /<table class="comparison">/);

    const anonymous = await renderPricingPage({ targetingKey: 'anonymous' });
    assert.match(anonymous, /data-layout="classic"/);
    assert.doesNotMatch(anonymous, /<table/);
  });

  it('lists express delivery as a perk', async () => {
    const html = await renderPricingPage({ targetingKey: 'anonymous' });
    assert.match(html, /data-testid="express-perk"/);
    assert.match(html, /Up to <!-- -->50<!-- --> items per order/);
  });

  it('renders the CTA copy of the experiment variant the visitor is in', async () => {
    const seen = new Set<string>();
    for (const targetingKey of ['u-10', 'u-11', 'u-12', 'u-13', 'u-14', 'u-15']) {
      const html = await renderPricingPage({ targetingKey });
      const variant = attribute(html, 'checkout-cta', 'data-experiment-variant');
      const expectedCopy = variant === 'treatment' ? 'Complete purchase' : 'Place order';
      assert.ok(variant === 'control' || variant === 'treatment', `variant: ${variant}`);
      assert.match(html, new RegExp(`>${expectedCopy}</a>`));
      seen.add(variant);
    }
    assert.equal(seen.size, 2, 'six visitors should land in both variants');
  });

  it('sends overridden users to the one-page checkout', async () => {
    assert.equal(
      attribute(await renderPricingPage({ targetingKey: 'u-2' }), 'checkout-cta', 'href'),
      '/checkout',
    );
    assert.equal(
      attribute(await renderPricingPage({ targetingKey: 'u-fraud-review-9' }), 'checkout-cta', 'href'),
      '/checkout/step-1',
    );
  });

  it('links the header (LaunchDarkly React SDK) to the same checkout flow as the page', async () => {
    for (const [targetingKey, flow] of [
      ['u-2', '/checkout'],
      ['u-fraud-review-9', '/checkout/step-1'],
    ]) {
      const html = await renderPricingPage({ targetingKey });
      assert.equal(attribute(html, 'header-checkout', 'href'), flow, targetingKey);
      assert.equal(attribute(html, 'checkout-cta', 'href'), flow, targetingKey);
    }
  });

  it('shows the winter-sale banner only during the sale', async (t) => {
    t.mock.method(Date, 'now', () => Date.parse('2026-11-24T12:00:00Z'));
    assert.doesNotMatch(await renderPricingPage({ targetingKey: 'u-9' }), /holiday-banner/);
    t.mock.method(Date, 'now', () => Date.parse('2026-12-24T12:00:00Z'));
    const html = await renderPricingPage({ targetingKey: 'u-9', country: 'DE' });
    assert.match(html, /data-testid="holiday-banner"/);
    assert.match(html, /Winter sale: 15% off annual plans, VAT included/);
  });

  it('keeps smart recommendations off, since production does not define them', async () => {
    const html = await renderPricingPage({ targetingKey: 'u-9', email: 'grace@example.com' });
    assert.doesNotMatch(html, /recommendations/);
  });
});
