import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startFeatureFlags, stopFeatureFlags } from '../src/featureFlags';
import { createShopServer } from '../src/server/app';
import { startPageFlags, stopPageFlags } from '../src/web/pageFlags';

// The HTTP service on a loopback port with the production flag file.

const cart = {
  country: 'DE',
  lines: [
    { sku: 'book-pricing-strategy', name: 'Pricing Strategy', unitPriceCents: 2000, quantity: 2 },
    { sku: 'tee', name: 'T-shirt', unitPriceCents: 2500, quantity: 1 },
  ],
};

describe('shop service (production flags)', () => {
  let server: Server;
  let base: string;

  before(async () => {
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
    await stopFeatureFlags();
    await stopPageFlags();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'x-user-id': 'u-9', ...headers },
    });

  it('answers the health check with its environment', async () => {
    const response = await fetch(`${base}/healthz`);
    assert.deepEqual(await response.json(), { status: 'ok', env: 'production' });
  });

  it('quotes a cart with live tax and express shipping', async () => {
    const response = await post('/api/quote', cart);
    assert.equal(response.status, 200);
    const quote = (await response.json()) as Record<string, unknown>;
    assert.equal(quote.subtotalCents, 6500);
    assert.equal(quote.taxCents, 755);
    assert.equal(quote.taxSource, 'provider');
    assert.deepEqual(
      (quote.shipping as { id: string }[]).map((option) => option.id),
      ['standard', 'express'],
    );
    assert.equal(quote.totalCents, 6500 + 755);
  });

  it('refuses a cart over the item limit of the plan', async () => {
    const big = {
      country: 'US',
      lines: [{ sku: 'tee', name: 'T-shirt', unitPriceCents: 2500, quantity: 60 }],
    };
    const growth = (await (await post('/api/quote', big, { 'x-plan': 'growth' })).json()) as {
      problems: string[];
    };
    assert.deepEqual(growth.problems, ['A cart holds at most 50 items; this one has 60.']);
    const enterprise = (await (await post('/api/quote', big, { 'x-plan': 'enterprise' })).json()) as {
      problems: string[];
    };
    assert.deepEqual(enterprise.problems, []);
  });

  it('checks out an overridden user with the one-page flow', async () => {
    const response = await post('/api/checkout', { cart, shipping: 'standard' }, { 'x-user-id': 'u-1' });
    assert.equal(response.status, 201);
    const order = (await response.json()) as Record<string, unknown>;
    assert.equal(order.flow, 'one-page');
    assert.equal(order.flowReason, 'TARGETING_MATCH');
    assert.equal(order.deliveryPromise, 'Order by 2 pm for next-day delivery');
    assert.equal(order.nextStep, `/orders/${String(order.orderId)}`);
  });

  it('turns down gift cards while the flag is disabled', async () => {
    const response = await post('/api/checkout', { cart, shipping: 'standard', giftCardCode: 'GIFT-123' });
    assert.equal(response.status, 422);
    assert.deepEqual(((await response.json()) as { problems: string[] }).problems, [
      'Gift cards cannot be used yet.',
    ]);
  });

  it('serves the pricing page', async () => {
    const response = await fetch(`${base}/`, {
      headers: { 'x-user-email': 'ada@acme.com', 'x-user-id': 'u-1' },
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /data-layout="comparison"/);
  });

  it('answers 400 to a body that is not JSON and 404 to an unknown route', async () => {
    assert.equal((await fetch(`${base}/api/quote`, { method: 'POST', body: '{' })).status, 400);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});
