import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { OpenFeature } from '@openfeature/server-sdk';
import { type AnalyticsEvent, exposureHook, setEventLog } from '../src/analytics/eventLog';
import { flagClient, startFeatureFlags, stopFeatureFlags } from '../src/featureFlags';
import { createShopServer } from '../src/server/app';
import { startPageFlags, stopPageFlags } from '../src/web/pageFlags';

// The events the experiment analysis reads: exposures from the OpenFeature hook, conversions from track().

describe('experiment events (production flags)', () => {
  let server: Server;
  let base: string;
  const events: AnalyticsEvent[] = [];

  before(async () => {
    setEventLog({ record: (event) => events.push(event) });
    OpenFeature.addHooks(exposureHook);
    await startFeatureFlags('production');
    await startPageFlags('production');
    server = createShopServer('production');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
    OpenFeature.clearHooks();
    await stopFeatureFlags();
    await stopPageFlags();
  });

  it('a checkout records the exposure to the experiment flag and the purchase with its value', async () => {
    events.length = 0;
    const cart = {
      country: 'US',
      lines: [{ sku: 'tee', name: 'T-shirt', unitPriceCents: 2500, quantity: 1 }],
    };
    const response = await fetch(`${base}/api/checkout`, {
      method: 'POST',
      body: JSON.stringify({ cart, shipping: 'standard' }),
      headers: { 'x-user-id': 'u-4242' },
    });
    assert.equal(response.status, 201);
    const order = (await response.json()) as { totalCents: number };
    const variant = (
      await flagClient().getStringDetails('checkout-cta-copy', 'Place order', { targetingKey: 'u-4242' })
    ).variant;
    const exposures = events.filter((event) => event.type === 'exposure');
    // Only flags that run an experiment are logged, and each carries flagd's variant.
    assert.ok(exposures.length >= 1);
    assert.ok(exposures.every((event) => event.type === 'exposure' && event.flag === 'checkout-cta-copy'));
    assert.deepEqual(exposures.map((event) => event.type === 'exposure' && [event.unit, event.variant])[0], [
      'u-4242',
      variant,
    ]);
    const purchases = events.filter((event) => event.type === 'track');
    assert.deepEqual(
      purchases.map((event) => event.type === 'track' && [event.unit, event.event, event.value]),
      [['u-4242', 'purchase', order.totalCents / 100]],
    );
  });
});
