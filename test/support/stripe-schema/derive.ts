// Derives the fake Stripe's request schema from the installed `stripe` package's own type
// definitions, with the TypeScript compiler API (the `typescript` devDependency is 6.x, the
// last line that still has a JavaScript API; see docs/architecture.md §3).
//
// For each endpoint in STRIPE_ENDPOINTS it finds the resource class's method, takes the type of
// its `params` parameter and walks it with the type checker: properties and whether each is
// optional, string-literal unions (enums), arrays, index signatures (metadata), `Emptyable<T>`
// (`'' | null | T`), booleans and numbers. Types that refer back to themselves are emitted once
// under `definitions`.
//
//   node --import tsx test/support/stripe-schema/derive.ts --write   # regenerate schema.json
//
// The drift test (test/server/stripe-schema.node.test.ts) runs deriveStripeSchema() and fails
// when schema.json differs, so a `stripe` upgrade cannot leave the fake accepting what the new
// types forbid.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { STRIPE_ENDPOINTS, type ParamSchema, type StripeSchema } from './schema.js';

const require = createRequire(import.meta.url);

/** The directory of the installed `stripe` package's ESM build (its `.d.ts` files). */
function stripeEsmDir(): string {
  // `stripe` exports no ./package.json; its main entry is <package>/cjs/stripe.cjs.node.js.
  return join(dirname(dirname(require.resolve('stripe'))), 'esm');
}

/** Derives the schema of every endpoint in STRIPE_ENDPOINTS from the installed types. */
export function deriveStripeSchema(): StripeSchema {
  const esm = stripeEsmDir();
  // Only the resource modules and the shared parameter types (Emptyable, MetadataParam,
  // OtherString, Decimal…): `noResolve` keeps the compiler from parsing the other ~500
  // declaration files those modules import for their *response* types, which parameters
  // never use. The drift test runs this, so it has to be quick.
  const roots = [
    ...[...new Set(Object.values(STRIPE_ENDPOINTS).map((e) => e.module))].map((m) =>
      join(esm, 'resources', `${m}.d.ts`),
    ),
    join(esm, 'shared.d.ts'),
    join(esm, 'Decimal.d.ts'),
  ];
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    noResolve: true,
    // ES5's lib has Array, Promise and Record, all a parameter type needs (no DOM to parse).
    lib: ['lib.es5.d.ts'],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  const checker = program.getTypeChecker();
  const walker = new Walker(checker);
  const endpoints: Record<string, ParamSchema> = {};
  for (const [route, source] of Object.entries(STRIPE_ENDPOINTS)) {
    const file = program.getSourceFile(join(esm, 'resources', `${source.module}.d.ts`));
    if (file === undefined) throw new Error(`stripe types: no ${source.module}.d.ts`);
    const params = paramsOf(file, source.className, source.method);
    endpoints[route] = walker.walk(checker.getTypeAtLocation(params));
  }
  const pkg = JSON.parse(readFileSync(join(dirname(esm), 'package.json'), 'utf8')) as {
    version: string;
  };
  const apiVersion = /ApiVersion = "([^"]+)"/.exec(
    readFileSync(join(esm, 'apiVersion.d.ts'), 'utf8'),
  )?.[1];
  if (apiVersion === undefined) throw new Error('stripe types: no ApiVersion');
  return {
    stripeVersion: pkg.version,
    apiVersion,
    endpoints,
    definitions: walker.definitions,
  };
}

/** The `params` parameter declaration of `className.method` in `file`. */
function paramsOf(file: ts.SourceFile, className: string, method: string): ts.ParameterDeclaration {
  for (const statement of file.statements) {
    if (!ts.isClassDeclaration(statement) || statement.name?.text !== className) continue;
    for (const member of statement.members) {
      if (!ts.isMethodDeclaration(member) || member.name.getText(file) !== method) continue;
      const params = member.parameters.find((p) => p.name.getText(file) === 'params');
      if (params !== undefined) return params;
    }
  }
  throw new Error(`stripe types: ${className}.${method}(…, params) not found`);
}

class Walker {
  readonly definitions: Record<string, ParamSchema> = {};
  readonly #checker: ts.TypeChecker;
  /** Named types being walked right now: seeing one again means it refers to itself. */
  readonly #open = new Map<ts.Type, string>();
  /** Names handed out as `ref`s while their type was open. */
  readonly #refs = new Set<string>();

  constructor(checker: ts.TypeChecker) {
    this.#checker = checker;
  }

  walk(type: ts.Type): ParamSchema {
    const checker = this.#checker;
    if (type.isUnion()) return this.#union(type.types);
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & ts.TypeFlags.Boolean || type.flags & ts.TypeFlags.BooleanLiteral) {
      return { type: 'boolean' };
    }
    if (type.isStringLiteral()) {
      return type.value === ''
        ? { type: 'empty' }
        : { type: 'enum', values: [type.value], open: false };
    }
    if (isOtherString(type)) return { type: 'string' };
    // The library's Decimal class goes on the wire as its decimal text.
    if (type.aliasSymbol?.name === 'Decimal') return { type: 'number' };
    if (checker.isArrayType(type)) {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      if (item === undefined) throw new Error('stripe types: array without element type');
      return { type: 'array', items: this.walk(item) };
    }
    if (type.flags & ts.TypeFlags.Object) return this.#object(type);
    throw new Error(`stripe types: cannot describe ${checker.typeToString(type)}`);
  }

  #union(members: readonly ts.Type[]): ParamSchema {
    const present = members.filter(
      (t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)),
    );
    const hadNull =
      present.length !== members.length && members.some((t) => t.flags & ts.TypeFlags.Null);
    const literals: string[] = [];
    let open = false;
    let empty = hadNull;
    let booleans = 0;
    const rest: ts.Type[] = [];
    for (const member of present) {
      if (member.isStringLiteral()) {
        if (member.value === '') empty = true;
        else literals.push(member.value);
      } else if (isOtherString(member)) {
        open = true;
      } else if (member.flags & ts.TypeFlags.BooleanLiteral) {
        booleans++;
      } else {
        rest.push(member);
      }
    }
    const options: ParamSchema[] = [];
    if (literals.length > 0) options.push({ type: 'enum', values: literals.sort(), open });
    else if (open) options.push({ type: 'string' });
    if (booleans > 0) options.push({ type: 'boolean' });
    for (const member of rest) options.push(this.walk(member));
    if (empty) options.push({ type: 'empty' });
    if (options.length === 1) return options[0]!;
    return { type: 'anyOf', options };
  }

  #object(type: ts.Type): ParamSchema {
    const checker = this.#checker;
    const name = typeName(checker, type);
    const open = this.#open.get(type);
    if (open !== undefined) {
      this.#refs.add(open);
      return { type: 'ref', name: open };
    }
    this.#open.set(type, name);
    try {
      const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
      let schema: ParamSchema;
      if (index !== undefined && type.getProperties().length === 0) {
        schema = { type: 'map', values: this.walk(index.type) };
      } else {
        const properties: Record<string, { required: boolean; schema: ParamSchema }> = {};
        for (const symbol of checker.getPropertiesOfType(type)) {
          const declaration = symbol.valueDeclaration ?? symbol.declarations?.[0];
          if (declaration === undefined) continue;
          const propertyType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
          properties[symbol.name] = {
            required: (symbol.flags & ts.SymbolFlags.Optional) === 0,
            schema: this.walk(propertyType),
          };
        }
        schema = { type: 'object', properties: sortKeys(properties) };
      }
      // Only a type that was met again inside itself needs a definition.
      if (!this.#refs.has(name)) return schema;
      this.definitions[name] = schema;
      return { type: 'ref', name };
    } finally {
      this.#open.delete(type);
    }
  }
}

/** `string & Record<never, never>`: the library's `OtherString`, i.e. an open enum. */
function isOtherString(type: ts.Type): boolean {
  return type.isIntersection() && type.types.some((t) => (t.flags & ts.TypeFlags.String) !== 0);
}

function typeName(checker: ts.TypeChecker, type: ts.Type): string {
  return checker.typeToString(type, undefined, ts.TypeFormatFlags.UseFullyQualifiedType);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Where derive.ts writes the schema the fake loads. */
export const SCHEMA_PATH = fileURLToPath(new URL('./schema.json', import.meta.url));

/** The schema as it is committed: stable key order, one trailing newline. */
export function serialiseSchema(schema: StripeSchema): string {
  return `${JSON.stringify(schema)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const schema = deriveStripeSchema();
  writeFileSync(SCHEMA_PATH, serialiseSchema(schema));
  console.log(
    `stripe-schema: ${Object.keys(schema.endpoints).length} endpoints from stripe ${schema.stripeVersion} (${schema.apiVersion}) → ${SCHEMA_PATH}`,
  );
}
