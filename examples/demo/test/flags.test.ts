import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Client } from '@openfeature/server-sdk';
import { startFeatureFlags, stopFeatureFlags } from '../src/featureFlags';
import { shippingOptionsFor } from '../src/server/shipping';

// These tests load flags/<env>.flagd.json with the real flagd provider (in-process, offline),
// so they also prove that the files are what flagd accepts.

/** `$flagd.timestamp` comes from the clock; freeze it for schedule tests. */
function freezeClock(t: TestContext, iso: string): void {
  const at = Date.parse(iso);
  t.mock.method(Date, 'now', () => at);
}

/** Share of `count` users who get `value`, for rollout and experiment splits. */
async function share(evaluate: (targetingKey: string) => Promise<unknown>, value: unknown, count = 1000) {
  let hits = 0;
  for (let i = 0; i < count; i++) if ((await evaluate(`user-${i}`)) === value) hits++;
  return hits / count;
}

after(() => stopFeatureFlags());

describe('production flags', () => {
  let client: Client;
  before(async () => {
    client = await startFeatureFlags('production');
  });

  it('keeps excluded users out of the new checkout, even beta testers', async () => {
    const details = await client.getBooleanDetails('new-checkout', true, {
      targetingKey: 'u-fraud-review-9',
      email: 'grace@example.com',
    });
    assert.equal(details.value, false);
    assert.equal(details.reason, 'TARGETING_MATCH');
  });

  it('gives the new checkout to individual overrides and to the beta-testers segment', async () => {
    assert.equal(await client.getBooleanValue('new-checkout', false, { targetingKey: 'u-2' }), true);
    assert.equal(
      await client.getBooleanValue('new-checkout', false, {
        targetingKey: 'u-777',
        email: 'linus@example.org',
      }),
      true,
    );
  });

  it('rolls the new checkout out to about a quarter of everyone else', async () => {
    const on = await share(
      (targetingKey) => client.getBooleanValue('new-checkout', false, { targetingKey }),
      true,
    );
    assert.ok(on > 0.2 && on < 0.3, `share on: ${on}`);
  });

  it('splits the checkout CTA experiment evenly', async () => {
    const treatment = await share(
      (targetingKey) => client.getStringValue('checkout-cta-copy', 'Place order', { targetingKey }),
      'Complete purchase',
    );
    assert.ok(treatment > 0.45 && treatment < 0.55, `share in treatment: ${treatment}`);
  });

  it('shows the comparison layout to acme.com addresses only', async () => {
    const layout = (email?: string) =>
      client.getStringValue('pricing-page-layout', 'classic', {
        targetingKey: 'u-9',
        ...(email ? { email } : {}),
      });
    assert.equal(await layout('ada@acme.com'), 'comparison');
    assert.equal(await layout('ada@acme.com.evil.example'), 'classic');
    assert.equal(await layout(), 'classic');
  });

  it('shows the holiday banner from December 1st to January 5th', async (t) => {
    const banner = () => client.getBooleanValue('holiday-banner', false, { targetingKey: 'u-9' });
    freezeClock(t, '2026-11-24T12:00:00Z');
    assert.equal(await banner(), false);
    freezeClock(t, '2026-12-01T00:00:00Z');
    assert.equal(await banner(), true);
    freezeClock(t, '2027-01-04T23:59:59Z');
    assert.equal(await banner(), true);
    freezeClock(t, '2027-01-05T00:00:00Z');
    assert.equal(await banner(), false);
  });

  it('serves the EU banner copy to EU countries', async () => {
    const config = await client.getObjectValue('banner-config', {}, { targetingKey: 'u-9', country: 'FR' });
    assert.deepEqual(config, {
      headline: 'Winter sale: 15% off annual plans, VAT included',
      discountPercent: 15,
      theme: 'snow',
      dismissible: true,
    });
  });

  it('rolls the new API out tenant by tenant, and usage-based pricing to acme', async () => {
    const on = (flag: string, tenant: string) =>
      client.getBooleanValue(flag, false, { targetingKey: 'u-9', tenant });
    assert.equal(await on('new-api', 'globex'), true);
    assert.equal(await on('new-api', 'umbrella'), false);
    assert.equal(await on('usage-based-pricing', 'acme'), true);
    assert.equal(await on('usage-based-pricing', 'globex'), false);
  });

  it('allows enterprise carts more items', async () => {
    assert.equal(
      await client.getNumberValue('max-cart-items', 0, { targetingKey: 'u-9', plan: 'enterprise' }),
      200,
    );
    assert.equal(
      await client.getNumberValue('max-cart-items', 0, { targetingKey: 'u-9', plan: 'growth' }),
      50,
    );
  });

  it('offers express shipping to everyone', async () => {
    // Behaviour, not flag configuration: this test stays true when the flag is cleaned up.
    const options = await shippingOptionsFor(12000, { targetingKey: 'u-9' });
    assert.deepEqual(
      options.map((option) => option.id),
      ['standard', 'express'],
    );
  });

  it('serves live tax to everyone', async () => {
    assert.equal(await client.getBooleanValue('external-tax-api', false, { targetingKey: 'u-9' }), true);
  });

  it('returns the code default for the disabled gift-cards flag', async () => {
    const details = await client.getBooleanDetails('gift-cards', false, { targetingKey: 'u-9' });
    assert.equal(details.value, false);
    assert.equal(details.reason, 'DISABLED');
  });

  it('does not define smart-recommendations or new-onboarding', async () => {
    for (const flag of ['smart-recommendations', 'new-onboarding']) {
      const details = await client.getBooleanDetails(flag, false, { targetingKey: 'u-9' });
      assert.equal(details.errorCode, 'FLAG_NOT_FOUND', flag);
    }
  });
});

describe('staging flags', () => {
  let client: Client;
  before(async () => {
    client = await startFeatureFlags('staging');
  });

  it('gives the new checkout to everyone who is not excluded', async () => {
    const on = await share(
      (targetingKey) => client.getBooleanValue('new-checkout', false, { targetingKey }),
      true,
    );
    assert.equal(on, 1);
    assert.equal(
      await client.getBooleanValue('new-checkout', true, { targetingKey: 'u-chargeback-31' }),
      false,
    );
  });

  it('shows smart recommendations to beta testers only', async () => {
    const recommendations = (email: string) =>
      client.getBooleanValue('smart-recommendations', false, { targetingKey: 'u-9', email });
    assert.equal(await recommendations('margaret@example.net'), true);
    assert.equal(await recommendations('someone@example.com'), false);
  });
});

describe('development flags, with the problems seeded for flaglens check', () => {
  let client: Client;
  before(async () => {
    client = await startFeatureFlags('development');
  });

  it('falls back to the default when targeting names a variant that does not exist', async () => {
    const details = await client.getStringDetails('pricing-page-layout', 'classic', {
      targetingKey: 'u-9',
      email: 'ada@acme.com',
    });
    assert.equal(details.value, 'classic');
    assert.equal(details.errorCode, 'GENERAL');
    assert.match(details.errorMessage ?? '', /Variant 'comparision' not found/);
  });

  it('cannot parse targeting that refers to an unknown evaluator', async () => {
    const details = await client.getBooleanDetails('smart-recommendations', false, {
      targetingKey: 'u-9',
      email: 'grace@example.com',
    });
    assert.equal(details.value, false);
    assert.equal(details.errorCode, 'PARSE_ERROR');
  });

  it('reports a type mismatch for the variant written as a string', async () => {
    const details = await client.getNumberDetails('max-cart-items', 50, {
      targetingKey: 'u-9',
      plan: 'enterprise',
    });
    assert.equal(details.value, 50);
    assert.equal(details.errorCode, 'TYPE_MISMATCH');
  });

  it('still serves the healthy flags', async () => {
    assert.equal(await client.getBooleanValue('new-checkout', false, { targetingKey: 'u-9' }), true);
    assert.equal(
      await client.getStringValue('pricing-page-layout', 'classic', { targetingKey: 'u-9' }),
      'compact',
    );
  });
});
