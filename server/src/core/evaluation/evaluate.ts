import type { EvaluationContext, Logger as FlagdLogger } from '@openfeature/core';
import { FlagdCore } from '@openfeature/flagd-core';
import type { JsonValue, VariantType } from '../../../../shared/src/registryModel';

/** What flagd computes for one flag, one environment, one context: the CLI's `eval` answer. */
export interface Evaluation {
  flag: string;
  env: string;
  value: JsonValue;
  variant: string | null;
  reason: string;
  errorCode?: string;
  errorMessage?: string;
}

const quietLogger: FlagdLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** Zero values used as the caller's default when none is given. */
export function zeroValue(type: VariantType | undefined): JsonValue {
  switch (type) {
    case 'boolean':
      return false;
    case 'number':
      return 0;
    case 'object':
      return {};
    default:
      return '';
  }
}

/**
 * One environment's flagd engine, loaded from the environment file's text. Every preview and
 * every CLI answer comes from here, so it equals what flagd computes in production.
 */
export class EnvironmentEngine {
  private readonly core: FlagdCore;

  constructor(
    readonly environment: string,
    text: string,
  ) {
    this.core = new FlagdCore(undefined, quietLogger);
    this.core.setConfigurations(text);
  }

  hasFlag(flag: string): boolean {
    return this.core.getFlag(flag) !== undefined;
  }

  /**
   * Evaluates a flag. `at` controls `$flagd.timestamp`, which flagd-core takes from the clock;
   * evaluation is synchronous, so the clock is replaced only for the duration of the call.
   */
  evaluate(
    flag: string,
    type: VariantType,
    defaultValue: JsonValue,
    context: Record<string, unknown> = {},
    at?: Date,
  ): Evaluation {
    const run = () => {
      const evalContext = context as EvaluationContext;
      switch (type) {
        case 'boolean':
          return this.core.resolveBooleanEvaluation(flag, defaultValue as boolean, evalContext);
        case 'number':
          return this.core.resolveNumberEvaluation(flag, defaultValue as number, evalContext);
        case 'object':
          return this.core.resolveObjectEvaluation(
            flag,
            defaultValue as Record<string, JsonValue>,
            evalContext,
          );
        default:
          return this.core.resolveStringEvaluation(flag, defaultValue as string, evalContext);
      }
    };
    const details = at ? withClock(at, run) : run();
    const result: Evaluation = {
      flag,
      env: this.environment,
      value: (details.value ?? defaultValue) as JsonValue,
      variant: details.variant ?? null,
      reason: details.reason ?? 'UNKNOWN',
    };
    if (details.errorCode) result.errorCode = details.errorCode;
    if (details.errorMessage) result.errorMessage = details.errorMessage;
    return result;
  }
}

export function withClock<T>(at: Date, run: () => T): T {
  const realNow = Date.now;
  const fixed = at.getTime();
  Date.now = () => fixed;
  try {
    return run();
  } finally {
    Date.now = realNow;
  }
}
