import { OpenFeature } from '@openfeature/server-sdk';
import { exposureHook } from '../analytics/eventLog';
import { resolveAppEnv } from '../env';
import { startFeatureFlags, stopFeatureFlags } from '../featureFlags';
import { startPageFlags, stopPageFlags } from '../web/pageFlags';
import { createShopServer } from './app';

async function main(): Promise<void> {
  const env = resolveAppEnv();
  const port = Number(process.env.PORT ?? 3000);
  // Exposures of experiment flags go to EVENTS_FILE (see src/analytics/eventLog.ts).
  OpenFeature.addHooks(exposureHook);
  await startFeatureFlags(env);
  await startPageFlags(env);
  const server = createShopServer(env);
  server.listen(port, '127.0.0.1', () => {
    console.log(`shop (${env} flags) listening on http://127.0.0.1:${port}`);
  });
  const shutdown = () => {
    server.close();
    void Promise.all([stopFeatureFlags(), stopPageFlags()]);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
