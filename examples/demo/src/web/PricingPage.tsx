import { useBooleanFlagValue, useNumberFlagValue, useStringFlagValue } from '@openfeature/react-sdk';
import { EXPRESS_SHIPPING, FLAGS } from '../flags';
import { CheckoutButton } from './CheckoutButton';
import { HolidayBanner } from './HolidayBanner';
import { Recommendations, type Product } from './Recommendations';

export interface Plan {
  id: string;
  name: string;
  monthlyCents: number;
  features: string[];
}

export const PLANS: readonly Plan[] = [
  { id: 'starter', name: 'Starter', monthlyCents: 900, features: ['1 store', 'Email support'] },
  { id: 'growth', name: 'Growth', monthlyCents: 2900, features: ['5 stores', 'Chat support', 'Reports'] },
  { id: 'scale', name: 'Scale', monthlyCents: 9900, features: ['Unlimited stores', 'Phone support', 'API'] },
];

const RECOMMENDED: readonly Product[] = [
  { sku: 'book-pricing-strategy', name: 'Pricing Strategy (book)', priceCents: 2900 },
  { sku: 'label-printer', name: 'Label printer', priceCents: 12900 },
];

function formatPrice(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

function PlanCards({ plans, compact }: { plans: readonly Plan[]; compact: boolean }) {
  return (
    <div className={compact ? 'plans plans--compact' : 'plans'}>
      {plans.map((plan) => (
        <article key={plan.id} className="plan">
          <h2>{plan.name}</h2>
          <p className="price">{formatPrice(plan.monthlyCents)}/mo</p>
          {!compact && (
            <ul>
              {plan.features.map((feature) => (
                <li key={feature}>{feature}</li>
              ))}
            </ul>
          )}
        </article>
      ))}
    </div>
  );
}

function ComparisonTable({ plans }: { plans: readonly Plan[] }) {
  const features = [...new Set(plans.flatMap((plan) => plan.features))];
  return (
    <table className="comparison">
      <thead>
        <tr>
          <th />
          {plans.map((plan) => (
            <th key={plan.id}>
              {plan.name} {formatPrice(plan.monthlyCents)}/mo
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {features.map((feature) => (
          <tr key={feature}>
            <th>{feature}</th>
            {plans.map((plan) => (
              <td key={plan.id}>{plan.features.includes(feature) ? '✓' : ''}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PricingPage() {
  const layout = useStringFlagValue(FLAGS.PRICING_PAGE_LAYOUT, 'grid');
  const expressShipping = useBooleanFlagValue(EXPRESS_SHIPPING, false);
  const maxCartItems = useNumberFlagValue(FLAGS.MAX_CART_ITEMS, 50);
  return (
    <main className={`pricing pricing--${layout}`} data-layout={layout}>
      <HolidayBanner />
      <h1>Plans and pricing</h1>
      {layout === 'comparison' ? (
        <ComparisonTable plans={PLANS} />
      ) : (
        <PlanCards plans={PLANS} compact={layout === 'compact'} />
      )}
      <ul className="perks">
        <li>Up to {maxCartItems} items per order</li>
        {expressShipping && <li data-testid="express-perk">Express delivery on every order</li>}
      </ul>
      <Recommendations products={RECOMMENDED} />
      <CheckoutButton />
    </main>
  );
}
