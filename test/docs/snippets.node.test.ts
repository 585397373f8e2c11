// The README's code runs: its `cardkeep/core` example gives the results its comments promise,
// and its server example mounts as written (Node's http, Express, Hono, Next.js) and answers a
// shopper. The snippets are taken from README.md itself, so an edit that breaks them fails here.
// Needs a build (dist/): `npm test` builds first.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const README = readFileSync('README.md', 'utf8');
const blocks = [...README.matchAll(/^```js\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
const block = (needle: string) => {
  const found = blocks.find((code) => code.includes(needle));
  assert.ok(found, `README has a js block with ${needle}`);
  return found;
};

// Inside the package (not under node_modules), so `cardkeep/...` resolves through package.json's exports.
const dir = '.snippets';
mkdirSync(dir, { recursive: true });
after(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
async function load(source: string): Promise<Record<string, unknown>> {
  const file = join(dir, `snippet-${process.pid}-${++count}.mjs`);
  writeFileSync(file, source);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

describe('README snippets', () => {
  it('the expiry core example gives the results its comments show', async () => {
    const code = block("from 'cardkeep/core'");
    const imports = code.split('\n').filter((line) => line.startsWith('import '));
    const claims = [...code.matchAll(/^(.+);\s*\/\/\s*(.+)$/gm)].map(([, expr, said]) => ({
      expr: expr!,
      said: said!,
    }));
    assert.ok(claims.length >= 3, 'the example states its results');
    const module = await load(
      `${imports.join('\n')}\nexport const claims = [${claims
        .map(({ expr, said }) => `[${JSON.stringify(expr)}, ${expr}, ${said}]`)
        .join(',\n')}];\n`,
    );
    for (const [expr, got, said] of module.claims as [string, unknown, unknown][]) {
      assert.deepEqual(got, said, expr);
    }
  });

  it('the server example mounts on Node, Express, Hono and Next.js as written, and answers', async () => {
    const code = block('createNodeServer(handler)');
    assert.match(code, /createNodeServer\(handler\)\.listen\(3000\)/);
    const source = [
      // What the example assumes the reader has: an app and their session lookup.
      'const mounted = [];',
      'const app = { use: (f) => mounted.push(f), all: (path, f) => mounted.push([path, f]) };',
      "const authenticate = async () => 'cus_demo';",
      'const servers = [];',
      code.replace(
        'createNodeServer(handler).listen(3000)',
        "servers.push(createNodeServer(handler).listen(0, '127.0.0.1'))",
      ),
      'export { handler, mounted, servers };',
    ].join('\n');
    const module = await load(source);
    const servers = module.servers as Server[];
    try {
      const [express, [honoPath, hono]] = module.mounted as [
        unknown,
        [string, (c: unknown) => Promise<Response>],
      ];
      assert.equal(typeof express, 'function', 'Express gets a (req, res, next) listener');
      assert.equal(honoPath, '/cardkeep/*');

      const url = 'http://127.0.0.1/cardkeep/card';
      const viaHono = await hono({ req: { raw: new Request(url) } });
      const viaNext = await (module.POST as (r: Request) => Promise<Response>)(new Request(url));
      for (const response of [viaHono, viaNext]) {
        assert.equal(response.status, 200);
        const body = (await response.json()) as { card: { last4: string; status: string } };
        assert.equal(body.card.last4, '4242');
        assert.equal(body.card.status, 'payment_failed');
      }

      const server = servers[0]!;
      if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as { port: number };
      const overHttp = await fetch(`http://127.0.0.1:${port}/cardkeep/card`);
      assert.equal(overHttp.status, 200);
      assert.equal(((await overHttp.json()) as { card: { id: string } }).card.id.length > 0, true);
    } finally {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });
});
