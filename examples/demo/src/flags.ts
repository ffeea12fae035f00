/**
 * Flag keys, in one place so a typo is a compile error instead of a silent default.
 * The definitions live in flags/<env>.flagd.json.
 */

/** Checkout and pricing flags read by the service and the page. */
export const FLAGS = {
  NEW_CHECKOUT: 'new-checkout',
  PRICING_PAGE_LAYOUT: 'pricing-page-layout',
  EXTERNAL_TAX_API: 'external-tax-api',
  USAGE_BASED_PRICING: 'usage-based-pricing',
  MAX_CART_ITEMS: 'max-cart-items',
} as const;

export type CheckoutFlag = (typeof FLAGS)[keyof typeof FLAGS];

/** Merchandising flags, owned by marketing and growth. */
export enum FlagKey {
  HolidayBanner = 'holiday-banner',
  BannerConfig = 'banner-config',
  SmartRecommendations = 'smart-recommendations',
  GiftCards = 'gift-cards',
}

export const EXPRESS_SHIPPING = 'express-shipping';
