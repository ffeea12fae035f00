import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { OpenFeature, type EvaluationContext, type JsonValue } from '@openfeature/web-sdk';
import { flagFilePath, resolveAppEnv, type AppEnv } from '../env';
import { FlagdWebProvider } from './flagdWebProvider';

/** The OpenFeature (web SDK) domain the page's components read from. */
export const PAGE_DOMAIN = 'pricing-page';

let watchedFile: string | undefined;
let pageProvider: FlagdWebProvider | undefined;

/** Loads the environment's flag file for the page and follows later edits of it. */
export async function startPageFlags(env: AppEnv = resolveAppEnv()): Promise<void> {
  const file = flagFilePath(env);
  const provider = new FlagdWebProvider(readFileSync(file, 'utf8'));
  await OpenFeature.setProviderAndWait(PAGE_DOMAIN, provider);
  // watchFile rather than watch: editors replace the file (write + rename), which breaks fs.watch.
  watchFile(file, { interval: 500 }, () => provider.reload(readFileSync(file, 'utf8')));
  watchedFile = file;
  pageProvider = provider;
}

export async function stopPageFlags(): Promise<void> {
  if (watchedFile !== undefined) unwatchFile(watchedFile);
  watchedFile = undefined;
  pageProvider = undefined;
  await OpenFeature.close();
}

/** Every enabled flag's value for one visitor, from the same flag file the page reads. */
export function pageFlagValues(context: EvaluationContext): Record<string, JsonValue> {
  if (!pageProvider) throw new Error('startPageFlags must run before the page flags are read.');
  return pageProvider.allValues(context);
}
