import type { IncomingHttpHeaders } from 'node:http';
import type { EvaluationContext } from '@openfeature/server-sdk';

/**
 * The evaluation context of a request. The gateway authenticates the user and forwards who they
 * are in headers; a visitor without an id shares one bucket, `anonymous`.
 */
export function contextFromHeaders(headers: IncomingHttpHeaders): EvaluationContext {
  const context: EvaluationContext = { targetingKey: header(headers, 'x-user-id') ?? 'anonymous' };
  const attributes = {
    email: 'x-user-email',
    tenant: 'x-tenant',
    plan: 'x-plan',
    country: 'x-country',
  } as const;
  for (const [attribute, name] of Object.entries(attributes)) {
    const value = header(headers, name);
    if (value !== undefined) context[attribute] = value;
  }
  return context;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
