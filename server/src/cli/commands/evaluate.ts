import type { JsonValue } from '../../../../shared/src/registryModel';
import type { FlagWorkspace } from '../../core/workspace/flagWorkspace';
import { type CommandIo, type OutputFormat, UsageError } from '../cliContext';

export interface EvalOptions {
  flag: string;
  env: string;
  context: Record<string, unknown>;
  at?: Date;
  defaultValue?: JsonValue;
  format: OutputFormat;
}

export function runEval(workspace: FlagWorkspace, options: EvalOptions, io: CommandIo): number {
  const environments = workspace.environments();
  if (!environments.includes(options.env)) {
    throw new UsageError(
      `unknown environment "${options.env}"; known: ${environments.join(', ') || '(no registry files found)'}`,
    );
  }
  const result = workspace.evaluate(options.flag, options.env, options.context, {
    at: options.at,
    defaultValue: options.defaultValue,
  });
  if (!result) throw new UsageError(`environment "${options.env}" has no usable registry file`);
  const answer: Record<string, unknown> = {
    flag: result.flag,
    env: result.env,
    value: result.value,
    variant: result.variant,
    reason: result.reason,
  };
  if (result.errorCode) answer.errorCode = result.errorCode;
  if (result.errorMessage) answer.errorMessage = result.errorMessage;
  if (options.format === 'json') io.out(JSON.stringify(answer));
  else
    for (const [name, value] of Object.entries(answer))
      io.out(`${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return result.reason === 'ERROR' ? 1 : 0;
}
