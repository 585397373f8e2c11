// Cardkeep in an Express app (Express 4 or 5): the five routes and the script tag's files under
// /cardkeep, and the Stripe webhook, which needs the raw body.
import express from 'express';
import { createCardkeepHandler, createStripeWebhookHandler, toNodeListener } from 'cardkeep/server';

export function createApp({ store, authenticate, stripe, webhookSecret, onPaymentFailed }) {
  const app = express();

  // Stripe signs the exact bytes it sends: register the webhook before any JSON parser.
  const webhook = createStripeWebhookHandler({ stripe, webhookSecret, onPaymentFailed });
  app.post('/stripe/webhook', express.raw({ type: '*/*' }), toNodeListener(webhook));

  app.use(express.json()); // your app's own parser: Cardkeep works after it, or without it

  const cardkeep = createCardkeepHandler({ store, authenticate, basePath: '/cardkeep' });
  app.use('/cardkeep', toNodeListener(cardkeep));
  return app;
}

// createApp({ … }).listen(3000);
