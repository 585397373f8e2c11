// A backend as the HTTP adapter's tests fake it at the fetch boundary: every request answered
// with one JSON body (a hostile or buggy backend, for what the adapter makes of it), and a card
// on file as the wire carries it (docs/protocol.md, "Card").

/** A fetch that answers every request with `body` as JSON, with `status`. */
export const answering = (body: unknown, status = 200) =>
  (() =>
    Promise.resolve(
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
    )) as typeof fetch;

/** A Visa on file, fine, as `GET /card` sends it. */
export const wireVisa = {
  id: 'pm_1',
  brand: 'visa',
  last4: '4242',
  expMonth: 1,
  expYear: 2030,
  status: 'ok',
};
