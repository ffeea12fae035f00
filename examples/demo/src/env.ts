import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The deployment environments; each one has its own flag file in `flags/`. */
export const APP_ENVS = ['development', 'staging', 'production'] as const;
export type AppEnv = (typeof APP_ENVS)[number];

/** Reads `APP_ENV`; a typo must stop the service rather than silently serve development flags. */
export function resolveAppEnv(value: string | undefined = process.env.APP_ENV): AppEnv {
  if (value === undefined || value === '') return 'development';
  const env = APP_ENVS.find((candidate) => candidate === value);
  if (!env) throw new Error(`APP_ENV must be one of ${APP_ENVS.join(', ')}; got "${value}".`);
  return env;
}

/**
 * The flag file an environment loads. Found from the package root rather than from this file,
 * so the path is the same whether the code runs from `src/` (tsx) or from `dist/src/` (tsc).
 */
export function flagFilePath(env: AppEnv): string {
  return path.join(packageRoot(), 'flags', `${env}.flagd.json`);
}

function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${__dirname}.`);
    dir = parent;
  }
  return dir;
}
