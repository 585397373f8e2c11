// Cardkeep in a Fastify 5 app: the five routes and the script tag's files under /cardkeep, and
// the Stripe webhook, which needs the raw body.
import Fastify from 'fastify';
import { createCardkeepHandler, createStripeWebhookHandler, toNodeListener } from 'cardkeep/server';

export async function createApp({ store, authenticate, stripe, webhookSecret, onPaymentFailed }) {
  const app = Fastify();
  const cardkeep = toNodeListener(
    createCardkeepHandler({ store, authenticate, basePath: '/cardkeep' }),
  );
  const webhook = toNodeListener(
    createStripeWebhookHandler({ stripe, webhookSecret, onPaymentFailed }),
  );

  await app.register(async (scope) => {
    // In this scope Fastify leaves bodies unread: Cardkeep reads them itself (its size limit,
    // its 415 for a non-JSON body, and the raw bytes that Stripe signs).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (request, payload, done) => done(null));
    scope.all('/cardkeep/*', (request, reply) => {
      reply.hijack();
      cardkeep(request.raw, reply.raw);
    });
    scope.post('/stripe/webhook', (request, reply) => {
      reply.hijack();
      webhook(request.raw, reply.raw);
    });
  });
  return app;
}

// await (await createApp({ … })).listen({ port: 3000 });
