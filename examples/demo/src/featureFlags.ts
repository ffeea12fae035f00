import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, type Client, type EvaluationContext } from '@openfeature/server-sdk';
import { flagFilePath, resolveAppEnv, type AppEnv } from './env';

/** The OpenFeature domain of the shop service; its provider is set by `startFeatureFlags`. */
const DOMAIN = 'shop-api';

/**
 * Loads the environment's flag file with flagd's in-process resolver in offline mode: no flagd
 * daemon, no network, and the provider re-reads the file when it changes.
 */
export async function startFeatureFlags(env: AppEnv = resolveAppEnv()): Promise<Client> {
  const provider = new FlagdProvider({
    resolverType: 'in-process',
    offlineFlagSourcePath: flagFilePath(env),
  });
  await OpenFeature.setProviderAndWait(DOMAIN, provider);
  return flagClient();
}

/** Stops watching the flag file, so the process can exit. */
export async function stopFeatureFlags(): Promise<void> {
  await OpenFeature.close();
}

export function flagClient(): Client {
  return OpenFeature.getClient(DOMAIN);
}

/**
 * The team's shorthand for boolean release flags. The default is `false` so that an unknown or
 * unreadable flag keeps an unreleased feature dark.
 */
export function isFeatureOn(key: string, context?: EvaluationContext): Promise<boolean> {
  return flagClient().getBooleanValue(key, false, context);
}
