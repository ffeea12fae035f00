import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveAppEnv } from '../src/env';
import { parseCart } from '../src/server/app';
import {
  checkCartSize,
  flatTaxCents,
  itemCount,
  meteredLineCents,
  priceLines,
  providerTaxCents,
  sumCents,
  type Cart,
} from '../src/server/pricing';
import { expressOption, standardOptions } from '../src/server/shipping';

const cart: Cart = {
  country: 'DE',
  lines: [
    { sku: 'book-pricing-strategy', name: 'Pricing Strategy', unitPriceCents: 2000, quantity: 2 },
    { sku: 'tee', name: 'T-shirt', unitPriceCents: 2500, quantity: 1 },
    { sku: 'api-calls', name: 'API calls', unitPriceCents: 2, quantity: 5000, metered: true },
  ],
};

describe('pricing', () => {
  it('counts items without metered usage', () => {
    assert.equal(itemCount(cart), 3);
  });

  it('reports a cart with more items than allowed', () => {
    assert.equal(checkCartSize(cart, 3), undefined);
    assert.equal(checkCartSize(cart, 2), 'A cart holds at most 2 items; this one has 3.');
  });

  it('gives volume pricing past 1,000 units of a metered line', () => {
    // 1,000 units at 2 cents, then 4,000 units at 1.6 cents.
    assert.equal(meteredLineCents(cart.lines[2]), 2000 + 6400);
  });

  it('prices metered lines at list price without usage-based pricing', () => {
    assert.deepEqual(
      priceLines(cart, false).map((line) => line.totalCents),
      [4000, 2500, 10000],
    );
    assert.deepEqual(
      priceLines(cart, true).map((line) => line.totalCents),
      [4000, 2500, 8400],
    );
  });

  it('taxes at the flat regional rate, and at 20% where no rate is known', () => {
    assert.equal(flatTaxCents(10000, 'DE'), 1900);
    assert.equal(flatTaxCents(10000, 'BR'), 2000);
  });

  it('applies the reduced rate to books in the provider quote', () => {
    const lines = priceLines({ country: 'DE', lines: cart.lines.slice(0, 2) }, false);
    assert.equal(sumCents(lines), 6500);
    // 7% of 40.00 for the books, 19% of 25.00 for the shirt.
    assert.equal(providerTaxCents(lines, 'DE'), 280 + 475);
  });
});

describe('shipping', () => {
  it('ships standard for free from $50', () => {
    assert.equal(standardOptions(4999)[0].priceCents, 499);
    assert.equal(standardOptions(5000)[0].priceCents, 0);
  });

  it('makes express cheaper for large orders', () => {
    assert.equal(expressOption(14999).priceCents, 1499);
    assert.equal(expressOption(15000).priceCents, 999);
  });
});

describe('request parsing', () => {
  it('accepts a well-formed cart', () => {
    const parsed = parseCart({
      country: 'US',
      lines: [{ sku: 'a', name: 'A', unitPriceCents: 100, quantity: 2 }],
    });
    assert.deepEqual(parsed, {
      country: 'US',
      lines: [{ sku: 'a', name: 'A', unitPriceCents: 100, quantity: 2, metered: false }],
    });
  });

  it('rejects a line without a quantity', () => {
    assert.throws(() => parseCart({ country: 'US', lines: [{ sku: 'a', name: 'A', unitPriceCents: 100 }] }), {
      message: 'Cart line 1 needs sku, name, integer unitPriceCents and quantity >= 1.',
    });
  });
});

describe('APP_ENV', () => {
  it('defaults to development', () => {
    assert.equal(resolveAppEnv(undefined), 'development');
    assert.equal(resolveAppEnv(''), 'development');
  });

  it('refuses an unknown environment', () => {
    assert.throws(() => resolveAppEnv('prod'), /APP_ENV must be one of development, staging, production/);
  });
});
