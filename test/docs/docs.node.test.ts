// The docs cannot rot. The README's attribute, property and event tables are generated from the
// custom elements manifest (scripts/docs-tables.mjs; `npm test` fails when they drift); here the
// rest of what README.md and docs/ say is checked against what the elements are: the manifest's
// tags and events, the custom properties and parts the styles and templates use, the message
// keys. A guessed custom property (in the docs or in the demo's stylesheet), an attribute an
// element lacks in an HTML example, a `messages` example with a typo or a dead link fails here.
// Needs a build (custom-elements.json): `npm test` builds first.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { en } from '../../src/i18n/en.js';
import { mergeMessages } from '../../src/i18n/merge-messages.js';
import type { MessageOverrides } from '../../src/i18n/messages.js';

const read = (path: string) => readFileSync(path, 'utf8');
const DOCS = ['README.md', ...readdirSync('docs').map((f) => join('docs', f))].filter((f) =>
  f.endsWith('.md'),
);
const README = read('README.md');

/** Every file under `dir` (recursively) whose name ends with `suffix`. */
function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

const COMPONENT_SOURCE = files('src/components', '.ts').map(read).join('\n');

// --- The manifest -------------------------------------------------------------------------------

interface Declaration {
  kind: string;
  name: string;
  tagName?: string;
  superclass?: { name: string };
  attributes?: { name: string }[];
  events?: { name: string; type?: { text: string } }[];
}

const manifest = JSON.parse(read('custom-elements.json')) as {
  modules: { path: string; declarations?: Declaration[] }[];
};
const declaration = (name: string): Declaration => {
  const found = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.name === name);
  assert.ok(found, `${name} is in custom-elements.json`);
  return found;
};

const ELEMENTS = {
  'cardkeep-banner': 'CardkeepBanner',
  'cardkeep-expiry-form': 'CardkeepExpiryForm',
  'cardkeep-replace-card': 'CardkeepReplaceCard',
} as const;
type Tag = keyof typeof ELEMENTS;

const attributesOf = (name: string) =>
  new Set((declaration(name).attributes ?? []).map((a) => a.name));

// --- Markdown -----------------------------------------------------------------------------------

/** The text of the section under `heading` (up to the next heading of the same level). */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `"${heading}" exists`);
  const level = heading.split(' ')[0]!;
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`^${level} `, 'm'));
  return end < 0 ? rest : rest.slice(0, end);
}

/** The rows of every table in `text`, each as its cells (header and divider rows left out). */
function tables(text: string): string[][][] {
  return text
    .split(/\n(?!\|)/)
    .map((block) => block.trim())
    .filter((block) => block.startsWith('|'))
    .map((block) =>
      block
        .split('\n')
        .slice(2)
        .map((row) =>
          row
            .slice(1, -1)
            .split('|')
            .map((cell) => cell.trim()),
        ),
    );
}

/** The `code` spans in a cell, without a trailing `()`. */
const codes = (cell: string) =>
  [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!.replace(/\(\)$/, ''));

/** The attribute names in a tag's source, values (quoted or `{…}`, nested) left out. */
function attributeNames(source: string): string[] {
  let bare = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '=' && /["'{]/.test(source[i + 1] ?? '')) {
      const open = source[++i]!;
      if (open === '{') {
        let depth = 1;
        while (depth > 0 && ++i < source.length) {
          if (source[i] === '{') depth++;
          else if (source[i] === '}') depth--;
        }
      } else {
        i = source.indexOf(open, i + 1);
      }
      bare += ' ';
    } else bare += c;
  }
  return bare.split(/[\s/]+/).filter(Boolean);
}

describe('the docs against the code', () => {
  it('custom-elements.json names each tag and types every event; every event class is fired', () => {
    // The README's attribute, property and event tables are generated from the manifest
    // (`npm run docs`; `npm test` fails on drift). What is left to check is that the JSDoc the
    // manifest is built from is complete: each element's `@tagname`, and a `@fires {Type}` for
    // every event class an element dispatches.
    const fired = new Set<string>();
    for (const [tag, className] of Object.entries(ELEMENTS) as [Tag, string][]) {
      const found = declaration(className);
      assert.equal(found.tagName, tag);
      for (const event of found.events ?? []) {
        assert.ok(event.type?.text, `${tag}: ${event.name} names its class`);
        fired.add(event.type.text);
      }
    }
    const eventClasses = manifest.modules
      .filter((m) => m.path.startsWith('src/events/'))
      .flatMap((m) => m.declarations ?? [])
      .filter((d) => d.kind === 'class' && d.superclass?.name === 'Event')
      .map((d) => d.name);
    assert.ok(eventClasses.length > 0);
    for (const name of eventClasses) assert.ok(fired.has(name), `${name} is fired (@fires)`);
  });

  it('theming documents exactly the custom properties the styles read; the demo uses only those', () => {
    const used = new Set(
      [...COMPONENT_SOURCE.matchAll(/var\((--cardkeep-[\w-]+)/g)].map((m) => m[1]!),
    );
    const theming = read('docs/theming.md');
    const table = tables(section(theming, '## Custom properties'))[0]!;
    assert.deepEqual(new Set(table.map((row) => codes(row[0]!)[0])), used);
    const everywhere = (text: string) =>
      new Set([...text.matchAll(/(--cardkeep-[\w-]*[\w])/g)].map((m) => m[1]!));
    for (const file of [...DOCS, 'demo/assets/demo.css']) {
      const unknown = [...everywhere(read(file))].filter((p) => !used.has(p));
      assert.deepEqual(unknown, [], `${file} names only real custom properties`);
    }
    assert.deepEqual(everywhere(section(README, '## Theming')), used, 'the README lists them all');
  });

  it('theming documents exactly the parts the templates expose', () => {
    const parts = new Set(
      [...COMPONENT_SOURCE.matchAll(/\b(?:export)?parts?="([^"$]+)"/g)].flatMap((m) =>
        m[1]!.split(/[\s,]+/).filter(Boolean),
      ),
    );
    const table = tables(section(read('docs/theming.md'), '## Parts'))[0]!;
    const documented = new Set(table.flatMap((row) => codes(row[1]!)));
    assert.deepEqual(documented, parts);
  });

  it('every `messages` example uses real keys, and each one changes the wording', () => {
    const examples = DOCS.flatMap((file) =>
      [...read(file).matchAll(/messages='([^']+)'/g)].map((m) => ({ file, json: m[1]! })),
    );
    assert.ok(examples.length > 0);
    for (const { file, json } of examples) {
      const overrides = JSON.parse(json) as Record<string, unknown>;
      const merged = mergeMessages(en, overrides as MessageOverrides) as unknown as Record<
        string,
        unknown
      >;
      for (const key of Object.keys(overrides)) {
        assert.ok(key in en, `${file}: "${key}" is a message key`);
        assert.notEqual(merged[key], (en as unknown as Record<string, unknown>)[key], key);
      }
    }
    const keys = new Set(
      tables(section(read('docs/i18n.md'), '## The messages'))[0]!.flatMap((row) => codes(row[0]!)),
    );
    assert.deepEqual(keys, new Set(Object.keys(en)), 'docs/i18n.md lists every key');
  });

  it('the HTML examples use only attributes the elements have', () => {
    const globals = new Set(['id', 'class', 'lang', 'name', 'slot', 'style', 'hidden', 'ref']);
    for (const file of DOCS) {
      const blocks = [...read(file).matchAll(/```(?:html|vue|svelte|jsx)\n([\s\S]*?)```/g)];
      for (const [, code] of blocks) {
        for (const [, tag, attrs] of code!.matchAll(/<(cardkeep-[\w-]+)([^>]*)>/g)) {
          const known = attributesOf(ELEMENTS[tag as Tag] ?? assert.fail(`${file}: <${tag}>`));
          const names = attributeNames(attrs!)
            .filter((n) => !/^[:@]|^bind:/.test(n))
            .map((n) => n.replace(/^\./, '').replace(/\.prop$/, ''));
          for (const name of names) {
            assert.ok(known.has(name) || globals.has(name), `${file}: <${tag} ${name}>`);
          }
        }
      }
    }
  });

  it('every relative link points at a file and heading that exist', () => {
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .trim()
        .replace(/\s/g, '-');
    for (const file of DOCS) {
      for (const [, target] of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#');
        const resolved = path ? join(dirname(file), path) : file;
        assert.ok(existsSync(resolved), `${file}: ${target} exists`);
        if (anchor) {
          const headings = [...read(resolved).matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!));
          assert.ok(headings.includes(anchor), `${file}: #${anchor} is a heading of ${resolved}`);
        }
      }
    }
  });
});
