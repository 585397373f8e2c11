// The drift test: the fake Stripe's request schema is what the installed `stripe` package's
// types say, and the fake refuses every request those types forbid. After a `stripe` upgrade
// this fails until `node --import tsx test/support/stripe-schema/derive.ts --write` is run and
// the fake's behaviour is checked against the new types.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { deriveStripeSchema } from '../support/stripe-schema/derive.js';
import {
  STRIPE_ENDPOINTS,
  stripeSchema,
  type FormValue,
  type ParamSchema,
  type StripeSchema,
} from '../support/stripe-schema/schema.js';
import { FakeStripe } from '../support/fake-stripe.js';

let fake: FakeStripe;
let derived: StripeSchema;

before(async () => {
  fake = await FakeStripe.start();
  derived = deriveStripeSchema();
});

after(async () => {
  await fake.close();
});

describe('the fake Stripe’s schema', () => {
  it('is the one the installed stripe types describe (schema.json is current)', () => {
    const committed = stripeSchema();
    assert.equal(committed.stripeVersion, derived.stripeVersion, 'derived from another stripe');
    assert.equal(committed.apiVersion, derived.apiVersion);
    assert.deepEqual(Object.keys(committed.endpoints).sort(), Object.keys(STRIPE_ENDPOINTS).sort());
    for (const route of Object.keys(STRIPE_ENDPOINTS)) {
      assert.deepEqual(committed.endpoints[route], derived.endpoints[route], route);
    }
    assert.deepEqual(committed.definitions, derived.definitions);
  });

  it('knows the library’s own API version', () => {
    assert.equal(derived.apiVersion, Stripe.API_VERSION);
  });

  it('refuses every unknown name, missing required field and bad scalar the types forbid', async () => {
    const probes = Object.keys(STRIPE_ENDPOINTS).flatMap((route) =>
      probesOf(derived.endpoints[route]!, derived.definitions, 0).map((probe) => ({
        route,
        probe,
      })),
    );
    // A few at a time: the fake answers each in a millisecond, the test stays well inside its
    // time limit on a busy machine, and a failure still names its probe.
    for (let i = 0; i < probes.length; i += 32) {
      await Promise.all(
        probes.slice(i, i + 32).map(({ route, probe }) => expectRefused(route, probe)),
      );
    }
    const probed = probes.length;
    // Not a vacuous pass: the walk found the nesting of the big parameter objects too.
    assert.ok(probed > 300, `only ${probed} probes`);
    console.log(`stripe-schema: ${probed} probes refused`);
  });
});

/** Sends `probe` to the fake and asserts it was refused, naming the faulty parameter. */
async function expectRefused(route: string, probe: Probe): Promise<void> {
  const [method, path] = route.split(' ') as [string, string];
  const url = `${fake.url}${path.replace(':id', 'obj_drift')}`;
  const body = encodeForm(probe.value as Record<string, FormValue>);
  const response = await fetch(method === 'GET' ? `${url}?${body}` : url, {
    method,
    headers: {
      Authorization: `Bearer ${fake.secretKey}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    ...(method === 'GET' ? {} : { body }),
  });
  const answer = (await response.json()) as { error?: { param?: string } };
  const param = probe.param.reduce((name, s, i) => (i === 0 ? s : `${name}[${s}]`), '');
  assert.equal(
    response.status,
    400,
    `${route} accepted ${param} (${probe.why}): ${decodeURIComponent(body)}`,
  );
  assert.equal(answer.error?.param, param, `${route}: ${probe.why}`);
}

// --- Probes: requests the types forbid, one fault each ------------------------------------------

interface Probe {
  value: FormValue;
  /** Path of the faulty parameter, relative to `value`. */
  param: string[];
  why: string;
}

/** Nesting depth the probes go to: deep enough for every hash the store sends. */
const MAX_DEPTH = 3;

/** The shape of the wire value a schema accepts. */
function kind(schema: ParamSchema, defs: Record<string, ParamSchema>): string {
  if (schema.type === 'ref') return kind(defs[schema.name]!, defs);
  if (schema.type === 'object' || schema.type === 'map') return 'object';
  if (schema.type === 'array') return 'array';
  if (schema.type === 'anyOf') return 'mixed';
  return 'text';
}

/** A smallest value the schema accepts: required fields only. */
function sample(schema: ParamSchema, defs: Record<string, ParamSchema>): FormValue {
  switch (schema.type) {
    case 'ref':
      return sample(defs[schema.name]!, defs);
    case 'string':
      return 'x';
    case 'number':
      return '1';
    case 'boolean':
      return 'true';
    case 'empty':
      return '';
    case 'enum':
      return schema.values[0]!;
    case 'map':
      return { cardkeep: sample(schema.values, defs) };
    case 'array':
      return [sample(schema.items, defs)];
    case 'anyOf':
      return sample(schema.options[0]!, defs);
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties)
          .filter(([, p]) => p.required)
          .map(([k, p]) => [k, sample(p.schema, defs)]),
      );
  }
}

function probesOf(schema: ParamSchema, defs: Record<string, ParamSchema>, depth: number): Probe[] {
  switch (schema.type) {
    case 'ref':
      return depth > MAX_DEPTH ? [] : probesOf(defs[schema.name]!, defs, depth + 1);
    case 'string':
    case 'empty':
    case 'map':
      return schema.type === 'empty' ? [{ value: 'x', param: [], why: 'not empty' }] : [];
    case 'number':
      return [{ value: 'twelve', param: [], why: 'not a number' }];
    case 'boolean':
      return [{ value: 'maybe', param: [], why: 'not a boolean' }];
    case 'enum':
      return [{ value: 'cardkeep_not_a_value', param: [], why: 'not in the enum' }];
    case 'array':
      return probesOf(schema.items, defs, depth).map((p) => ({
        value: [p.value],
        param: ['0', ...p.param],
        why: p.why,
      }));
    case 'anyOf': {
      // A probe of one option counts only if no other option takes a value of its shape.
      const found: Probe[] = [];
      for (const option of schema.options) {
        const others = schema.options.filter((o) => o !== option);
        for (const probe of probesOf(option, defs, depth)) {
          const shape = Array.isArray(probe.value)
            ? 'array'
            : typeof probe.value === 'object'
              ? 'object'
              : 'text';
          // `{}` goes on the wire as `name=`, which is how Emptyable's '' (unset) is sent.
          const sentEmpty =
            typeof probe.value === 'object' && Object.keys(probe.value).length === 0;
          const clash = others.some((o) => {
            if (sentEmpty && o.type === 'empty') return true;
            const k = kind(o, defs);
            if (k === 'mixed') return true;
            if (k !== shape) return false;
            // Texts: only a free string (or the empty string itself) would take the bad value.
            return (
              shape !== 'text' || o.type === 'string' || (o.type === 'empty' && probe.value === '')
            );
          });
          if (!clash) found.push(probe);
        }
      }
      return found;
    }
    case 'object': {
      const base = sample(schema, defs) as Record<string, FormValue>;
      const found: Probe[] = [
        { value: { ...base, cardkeep_unknown: 'x' }, param: ['cardkeep_unknown'], why: 'unknown' },
      ];
      if (depth >= MAX_DEPTH) return found;
      for (const [key, property] of Object.entries(schema.properties)) {
        if (property.required) {
          const rest = { ...base };
          delete rest[key];
          found.push({ value: rest, param: [key], why: 'required, left out' });
        }
        for (const probe of probesOf(property.schema, defs, depth + 1)) {
          found.push({
            value: { ...base, [key]: probe.value },
            param: [key, ...probe.param],
            why: probe.why,
          });
        }
      }
      return found;
    }
  }
}

/** Stripe's form encoding: `a[b][0]=x`. */
function encodeForm(value: Record<string, FormValue>): string {
  const pairs: string[] = [];
  const walk = (prefix: string, v: FormValue): void => {
    if (typeof v === 'string') {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(v)}`);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(`${prefix}[${i}]`, item));
    } else {
      const entries = Object.entries(v);
      if (entries.length === 0) pairs.push(`${encodeURIComponent(prefix)}=`);
      for (const [k, inner] of entries) walk(`${prefix}[${k}]`, inner);
    }
  };
  for (const [k, v] of Object.entries(value)) walk(k, v);
  return pairs.join('&');
}
