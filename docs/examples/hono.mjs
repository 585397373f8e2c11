// Cardkeep in a Hono 4 app: the five routes and the script tag's files under /cardkeep, and the
// Stripe webhook. The handlers are web-standard, so Hono hands them its Request as it is, body
// unread: the webhook gets the raw bytes Stripe signs without any extra step.
import { Hono } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createCardkeepHandler, createStripeWebhookHandler } from 'cardkeep/server';

export function createApp({ store, authenticate, stripe, webhookSecret, onPaymentFailed }) {
  const app = new Hono();
  const cardkeep = createCardkeepHandler({ store, authenticate, basePath: '/cardkeep' });
  const webhook = createStripeWebhookHandler({ stripe, webhookSecret, onPaymentFailed });

  // The client's address feeds the per-IP rate limits (on Node: @hono/node-server's conninfo).
  app.all('/cardkeep/*', (c) => cardkeep(c.req.raw, { ip: getConnInfo(c).remote.address }));
  app.post('/stripe/webhook', (c) => webhook(c.req.raw));
  return app;
}

// import { serve } from '@hono/node-server';
// serve({ fetch: createApp({ … }).fetch, port: 3000 });
