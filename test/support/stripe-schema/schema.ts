// The request schema of the Stripe endpoints the fake serves, and the validator the fake runs
// on every request. The schema itself (schema.json) is derived from the installed `stripe`
// package's type definitions by derive.ts (the TypeScript compiler API); this module has no
// TypeScript dependency, so starting a fake costs a JSON parse, not a compiler run.
import { readFileSync } from 'node:fs';

/** A parameter's shape, as the `stripe` library's `…Params` types declare it. */
export type ParamSchema =
  | { type: 'string' }
  | { type: 'number' }
  | { type: 'boolean' }
  /** `''` (and `null`, which form encoding sends as `''`): "unset", from `Emptyable<T>`. */
  | { type: 'empty' }
  /** `{ [key: string]: V }`: metadata and the like. */
  | { type: 'map'; values: ParamSchema }
  /**
   * A string enum. `open` marks the library's `| OtherString` escape hatch, which is there so
   * *responses* with values newer than the library still type-check; a request is checked
   * against the values this API version knows, as Stripe's server does.
   */
  | { type: 'enum'; values: string[]; open: boolean }
  | { type: 'array'; items: ParamSchema }
  | { type: 'object'; properties: Record<string, { required: boolean; schema: ParamSchema }> }
  | { type: 'anyOf'; options: ParamSchema[] }
  /** A named type that refers back to itself; see {@link StripeSchema.definitions}. */
  | { type: 'ref'; name: string };

/** One endpoint: which resource method of the library sends it. */
export interface EndpointSource {
  /** The module under `stripe/esm/resources/`, e.g. `SetupIntents`. */
  module: string;
  /** The resource class, e.g. `SetupIntentResource`. */
  className: string;
  /** The method, e.g. `create`. */
  method: string;
}

/**
 * The endpoints the fake serves, keyed `METHOD /v1/path` with `:id` for ids: every call
 * StripeStore, the demo and the tests make through the real library.
 */
export const STRIPE_ENDPOINTS: Record<string, EndpointSource> = {
  'POST /v1/customers': { module: 'Customers', className: 'CustomerResource', method: 'create' },
  'GET /v1/customers': { module: 'Customers', className: 'CustomerResource', method: 'list' },
  'GET /v1/customers/:id': {
    module: 'Customers',
    className: 'CustomerResource',
    method: 'retrieve',
  },
  'POST /v1/customers/:id': {
    module: 'Customers',
    className: 'CustomerResource',
    method: 'update',
  },
  'GET /v1/payment_methods/:id': {
    module: 'PaymentMethods',
    className: 'PaymentMethodResource',
    method: 'retrieve',
  },
  'POST /v1/payment_methods/:id': {
    module: 'PaymentMethods',
    className: 'PaymentMethodResource',
    method: 'update',
  },
  'POST /v1/payment_methods/:id/attach': {
    module: 'PaymentMethods',
    className: 'PaymentMethodResource',
    method: 'attach',
  },
  'POST /v1/payment_methods/:id/detach': {
    module: 'PaymentMethods',
    className: 'PaymentMethodResource',
    method: 'detach',
  },
  'POST /v1/setup_intents': {
    module: 'SetupIntents',
    className: 'SetupIntentResource',
    method: 'create',
  },
  'GET /v1/setup_intents/:id': {
    module: 'SetupIntents',
    className: 'SetupIntentResource',
    method: 'retrieve',
  },
  'POST /v1/setup_intents/:id/confirm': {
    module: 'SetupIntents',
    className: 'SetupIntentResource',
    method: 'confirm',
  },
  'GET /v1/payment_intents/:id': {
    module: 'PaymentIntents',
    className: 'PaymentIntentResource',
    method: 'retrieve',
  },
  'GET /v1/subscriptions': {
    module: 'Subscriptions',
    className: 'SubscriptionResource',
    method: 'list',
  },
  'GET /v1/subscriptions/:id': {
    module: 'Subscriptions',
    className: 'SubscriptionResource',
    method: 'retrieve',
  },
  'POST /v1/subscriptions/:id': {
    module: 'Subscriptions',
    className: 'SubscriptionResource',
    method: 'update',
  },
  'GET /v1/invoices': { module: 'Invoices', className: 'InvoiceResource', method: 'list' },
  'GET /v1/invoices/:id': { module: 'Invoices', className: 'InvoiceResource', method: 'retrieve' },
  'POST /v1/invoices/:id': { module: 'Invoices', className: 'InvoiceResource', method: 'update' },
  'POST /v1/invoices/:id/pay': { module: 'Invoices', className: 'InvoiceResource', method: 'pay' },
};

/** schema.json: the parameters of each endpoint, and the self-referring types they use. */
export interface StripeSchema {
  /** The `stripe` package version the schema was derived from. */
  stripeVersion: string;
  /** The API version those types describe (`ApiVersion` in the package). */
  apiVersion: string;
  endpoints: Record<string, ParamSchema>;
  definitions: Record<string, ParamSchema>;
}

let loaded: StripeSchema | undefined;

/** The committed schema (derive.ts writes it; the drift test checks it is current). */
export function stripeSchema(): StripeSchema {
  loaded ??= JSON.parse(
    readFileSync(new URL('./schema.json', import.meta.url), 'utf8'),
  ) as StripeSchema;
  return loaded;
}

/** A decoded form value: Stripe's bracket notation nests objects and arrays. */
export type FormValue = string | { [key: string]: FormValue } | FormValue[];

/** Why a request was refused, as Stripe words and codes it. */
export interface ParamProblem {
  param: string;
  code: 'parameter_unknown' | 'parameter_missing' | 'parameter_invalid_integer' | 'invalid';
  message: string;
}

/**
 * Checks decoded form parameters against an endpoint's schema: unknown names, missing required
 * fields, wrong scalars and enum values not in the list. Returns the first problem, or null.
 */
export function validateParams(
  schema: ParamSchema,
  params: FormValue,
  definitions: Record<string, ParamSchema> = stripeSchema().definitions,
): ParamProblem | null {
  return check(schema, params, '', definitions);
}

function check(
  schema: ParamSchema,
  value: FormValue,
  param: string,
  definitions: Record<string, ParamSchema>,
): ParamProblem | null {
  const invalid = (message: string): ParamProblem => ({
    param,
    code: 'invalid',
    message: `Invalid ${param}: ${message}`,
  });
  switch (schema.type) {
    case 'ref': {
      const target = definitions[schema.name];
      return target === undefined
        ? invalid(`unknown type ${schema.name}`)
        : check(target, value, param, definitions);
    }
    case 'string':
      return typeof value === 'string' ? null : invalid('must be a string');
    case 'number':
      // Form encoding carries numbers as text; Stripe refuses what does not parse.
      return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)
        ? null
        : {
            param,
            code: 'parameter_invalid_integer',
            message: `Invalid integer: ${typeof value === 'string' ? value : '(object)'}`,
          };
    case 'boolean':
      return value === 'true' || value === 'false' ? null : invalid('must be a boolean');
    case 'empty':
      return value === '' ? null : invalid('must be empty');
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value)
        ? null
        : invalid(`must be one of ${schema.values.join(', ')}`);
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return invalid('must be an object');
      for (const [key, inner] of Object.entries(value)) {
        const problem = check(schema.values, inner, `${param}[${key}]`, definitions);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'array': {
      // `a[0]=x` decodes to an array; an empty array is sent as `a=''`.
      if (value === '') return null;
      if (!Array.isArray(value)) return invalid('must be an array');
      for (const [i, inner] of value.entries()) {
        const problem = check(schema.items, inner, `${param}[${i}]`, definitions);
        if (problem !== null) return problem;
      }
      return null;
    }
    case 'object': {
      // `hash=` is how a form says "an empty hash": its required fields are then missing.
      if (value === '') value = {};
      if (typeof value !== 'object' || Array.isArray(value)) return invalid('must be an object');
      for (const [key, inner] of Object.entries(value)) {
        const name = param === '' ? key : `${param}[${key}]`;
        const property = schema.properties[key];
        if (property === undefined) {
          return {
            param: name,
            code: 'parameter_unknown',
            message: `Received unknown parameter: ${name}`,
          };
        }
        const problem = check(property.schema, inner, name, definitions);
        if (problem !== null) return problem;
      }
      for (const [key, property] of Object.entries(schema.properties)) {
        if (property.required && !(key in value)) {
          const name = param === '' ? key : `${param}[${key}]`;
          return {
            param: name,
            code: 'parameter_missing',
            message: `Missing required param: ${name}.`,
          };
        }
      }
      return null;
    }
    case 'anyOf': {
      let first: ParamProblem | null = null;
      for (const option of schema.options) {
        const problem = check(option, value, param, definitions);
        if (problem === null) return null;
        // Report the problem of the option that matches the value's shape (an object's
        // unknown field, not "must be empty").
        if (first === null || (option.type !== 'empty' && option.type !== 'string')) {
          first = problem;
        }
      }
      return first;
    }
  }
}

/** A validated value with numbers and booleans as such (what the fake's resources read). */
export type Coerced = string | number | boolean | Coerced[] | { [key: string]: Coerced };

/**
 * Turns validated form text into typed values where the schema says number or boolean. Call
 * only after {@link validateParams} accepted `value`.
 */
export function coerceParams(
  schema: ParamSchema,
  value: FormValue,
  definitions: Record<string, ParamSchema> = stripeSchema().definitions,
): Coerced {
  switch (schema.type) {
    case 'ref':
      return coerceParams(definitions[schema.name]!, value, definitions);
    case 'number':
      return Number(value);
    case 'boolean':
      return value === 'true';
    case 'array':
      return Array.isArray(value)
        ? value.map((v) => coerceParams(schema.items, v, definitions))
        : [];
    case 'map':
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return value as string;
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => {
          const child = schema.type === 'map' ? schema.values : schema.properties[key]!.schema;
          return [key, coerceParams(child, inner, definitions)];
        }),
      );
    }
    case 'anyOf': {
      const option = schema.options.find((o) => check(o, value, '', definitions) === null);
      return option === undefined ? (value as Coerced) : coerceParams(option, value, definitions);
    }
    default:
      return value as Coerced;
  }
}
