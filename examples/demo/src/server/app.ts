import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AppEnv } from '../env';
import { track } from '../analytics/eventLog';
import { renderPricingPage } from '../web/renderPage';
import { checkout, type CheckoutRequest } from './checkout';
import { enabledPaymentMethods } from './paymentMethods';
import type { Cart } from './pricing';
import { buildQuote } from './quote';
import { contextFromHeaders } from './requestContext';

const MAX_BODY_BYTES = 64 * 1024;

class BadRequest extends Error {}

/**
 * The shop's HTTP API and its server-rendered pricing page. Flags must be started
 * (`startFeatureFlags`, `startPageFlags`) before the server takes requests.
 */
export function createShopServer(env: AppEnv): Server {
  return createServer((request, response) => {
    route(env, request, response).catch((error: unknown) => {
      const status = error instanceof BadRequest ? 400 : 500;
      sendJson(response, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });
}

async function route(env: AppEnv, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const context = contextFromHeaders(request.headers);
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  const endpoint = `${request.method ?? 'GET'} ${pathname}`;
  switch (endpoint) {
    case 'GET /healthz':
      return sendJson(response, 200, { status: 'ok', env });
    case 'GET /':
    case 'GET /pricing': {
      const html = await renderPricingPage(context);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
      return;
    }
    case 'GET /api/payment-methods':
      return sendJson(response, 200, { methods: await enabledPaymentMethods(context) });
    case 'POST /api/quote': {
      const cart = parseCart(await readJson(request));
      return sendJson(response, 200, await buildQuote(cart, context));
    }
    case 'POST /api/checkout': {
      const body = await readJson(request);
      const order = parseCheckout(body);
      const result = await checkout(order, context, randomUUID());
      // The experiment's conversion (value in dollars) and its guardrail.
      if (result.problems.length > 0) track(context.targetingKey, 'checkout_error');
      else track(context.targetingKey, 'purchase', result.totalCents / 100);
      return sendJson(response, result.problems.length > 0 ? 422 : 201, result);
    }
    default:
      return sendJson(response, 404, { error: `No route for ${endpoint}.` });
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`Request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BadRequest('Request body is not JSON.');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseCart(value: unknown): Cart {
  if (!isRecord(value) || !Array.isArray(value.lines) || typeof value.country !== 'string') {
    throw new BadRequest(
      'A cart is {"country": "US", "lines": [{"sku", "name", "unitPriceCents", "quantity"}]}.',
    );
  }
  const lines = value.lines.map((line: unknown, index) => {
    if (
      !isRecord(line) ||
      typeof line.sku !== 'string' ||
      typeof line.name !== 'string' ||
      !Number.isInteger(line.unitPriceCents) ||
      !Number.isInteger(line.quantity) ||
      (line.quantity as number) < 1
    ) {
      throw new BadRequest(
        `Cart line ${index + 1} needs sku, name, integer unitPriceCents and quantity >= 1.`,
      );
    }
    return {
      sku: line.sku,
      name: line.name,
      unitPriceCents: line.unitPriceCents as number,
      quantity: line.quantity as number,
      metered: line.metered === true,
    };
  });
  return { country: value.country, lines };
}

function parseCheckout(value: unknown): CheckoutRequest {
  if (!isRecord(value)) throw new BadRequest('A checkout is {"cart": ..., "shipping": "standard"}.');
  const shipping = value.shipping ?? 'standard';
  if (shipping !== 'standard' && shipping !== 'express' && shipping !== 'economy') {
    throw new BadRequest('shipping must be standard, express or economy.');
  }
  const request: CheckoutRequest = { cart: parseCart(value.cart), shipping };
  if (typeof value.giftCardCode === 'string') request.giftCardCode = value.giftCardCode;
  return request;
}
