import { useBooleanFlagValue } from '@openfeature/react-sdk';
import { FlagKey } from '../flags';

export interface Product {
  sku: string;
  name: string;
  priceCents: number;
}

export function Recommendations({ products }: { products: readonly Product[] }) {
  const enabled = useBooleanFlagValue(FlagKey.SmartRecommendations, false);
  if (!enabled || products.length === 0) return null;
  return (
    <section className="recommendations" data-testid="recommendations">
      <h2>You may also like</h2>
      <ul>
        {products.map((product) => (
          <li key={product.sku}>{product.name}</li>
        ))}
      </ul>
    </section>
  );
}
