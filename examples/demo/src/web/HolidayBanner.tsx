import { useBooleanFlagValue, useObjectFlagValue } from '@openfeature/react-sdk';
import { FlagKey } from '../flags';

export type BannerConfig = {
  headline: string;
  discountPercent: number;
  theme: string;
  dismissible: boolean;
};

const DEFAULT_BANNER: BannerConfig = {
  headline: 'Free standard shipping on orders over $50',
  discountPercent: 0,
  theme: 'plain',
  dismissible: true,
};

export function HolidayBanner() {
  const showBanner = useBooleanFlagValue('holiday-banner', false);
  const config = useObjectFlagValue(FlagKey.BannerConfig, DEFAULT_BANNER);
  if (!showBanner) return null;
  return (
    <aside className={`banner banner--${config.theme}`} data-testid="holiday-banner">
      <strong>{config.headline}</strong>
      {config.dismissible && (
        <button type="button" aria-label="Dismiss">
          ×
        </button>
      )}
    </aside>
  );
}
