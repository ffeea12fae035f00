import { FlagdCore } from '@openfeature/flagd-core';
import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type JsonValue,
  type Logger,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/web-sdk';

/**
 * flagd's evaluator behind the web SDK. The pricing page is rendered on the server, so it
 * evaluates the same flag file as the service with the same engine (flagd-core) instead of
 * asking a flagd daemon over the network.
 */
export class FlagdWebProvider implements Provider {
  readonly metadata = { name: 'flagd-web-in-process' } as const;
  readonly runsOn = 'client';
  readonly events = new OpenFeatureEventEmitter();
  private readonly core: FlagdCore;

  constructor(flagConfiguration: string, logger?: Logger) {
    this.core = new FlagdCore(undefined, logger);
    this.core.setConfigurations(flagConfiguration);
  }

  /** Swaps in a new version of the flag file and tells mounted components which flags changed. */
  reload(flagConfiguration: string): void {
    const flagsChanged = this.core.setConfigurations(flagConfiguration);
    if (flagsChanged.length > 0) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
  }

  /**
   * The value of every enabled flag for one visitor, keyed by flag key: the shape LaunchDarkly's
   * React SDK takes as `bootstrap` (flags that fail to evaluate are left out, so readers get
   * their own defaults).
   */
  allValues(context: EvaluationContext): Record<string, JsonValue> {
    return Object.fromEntries(
      this.core.resolveAll(context).map((details) => [details.flagKey, details.value]),
    );
  }

  resolveBooleanEvaluation(
    flagKey: string,
    defaultValue: boolean,
    context: EvaluationContext,
    logger: Logger,
  ): ResolutionDetails<boolean> {
    return this.core.resolveBooleanEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveStringEvaluation(
    flagKey: string,
    defaultValue: string,
    context: EvaluationContext,
    logger: Logger,
  ): ResolutionDetails<string> {
    return this.core.resolveStringEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveNumberEvaluation(
    flagKey: string,
    defaultValue: number,
    context: EvaluationContext,
    logger: Logger,
  ): ResolutionDetails<number> {
    return this.core.resolveNumberEvaluation(flagKey, defaultValue, context, logger);
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    logger: Logger,
  ): ResolutionDetails<T> {
    return this.core.resolveObjectEvaluation(flagKey, defaultValue, context, logger);
  }
}
