// One import for route handlers: flag keys and the flag helpers.
export { FLAGS, FlagKey, EXPRESS_SHIPPING } from '../flags';
export * from '../featureFlags';
