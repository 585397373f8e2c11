// `npm run docs`: writes the README's attribute, property and event tables from
// custom-elements.json (which the build writes from the elements' JSDoc), between the markers
// `<!-- api:NAME:start -->` and `<!-- api:NAME:end -->`. `--check` writes nothing and fails
// when a table differs from what the manifest says (`npm test` runs it): to change a table,
// change the JSDoc and run `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import * as prettier from 'prettier';

const README = 'README.md';
const MANIFEST = 'custom-elements.json';
const BASE = 'CardkeepElement';

/** The three elements, in the order the README shows them. */
const ELEMENTS = ['cardkeep-banner', 'cardkeep-expiry-form', 'cardkeep-replace-card'];

const declarations = (manifest) =>
  manifest.modules.flatMap((m) => (m.declarations ?? []).map((d) => ({ ...d, path: m.path })));

/** One line of Markdown table text: newlines folded, pipes escaped. */
const cell = (text) =>
  (text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim() || '—';
const code = (text) => `\`${text}\``;
/** A type as a merchant reads it: the `| undefined` of an optional property left out. */
const typeOf = (type) =>
  type?.text ? code(type.text.replace(/ \| undefined$/, '')).replace(/\|/g, '\\|') : '—';

const table = (head, rows) =>
  [head, head.map(() => '---'), ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');

/** Public instance API a merchant uses: no statics, privates or lifecycle callbacks. */
const isPublic = (member) =>
  !member.static &&
  (member.privacy ?? 'public') === 'public' &&
  !member.name.startsWith('#') &&
  !/Callback$/.test(member.name);

/** The rows of one class's own attributes and members (inherited ones are the base's table). */
function apiRows(declaration) {
  const own = (item) => !item.inheritedFrom;
  const members = (declaration.members ?? []).filter((m) => own(m) && isPublic(m));
  const rows = [];
  for (const attribute of (declaration.attributes ?? []).filter(own)) {
    const field = members.find((m) => m.name === attribute.fieldName);
    rows.push([
      code(attribute.name),
      field ? code(field.name) : '—',
      typeOf(field?.type ?? attribute.type),
      field?.default !== undefined ? code(field.default) : '—',
      cell(field?.description ?? attribute.description),
    ]);
  }
  for (const member of members.filter((m) => !m.attribute)) {
    const method = member.kind === 'method';
    rows.push([
      '—',
      code(method ? `${member.name}()` : member.name),
      method ? '—' : typeOf(member.type),
      member.default !== undefined ? code(member.default) : '—',
      cell(`${member.readonly ? 'Read-only. ' : ''}${member.description ?? ''}`),
    ]);
  }
  return table(['Attribute', 'Property', 'Type', 'Default', 'What it does'], rows);
}

/** Every event the elements fire: who fires it, the fields it carries, and what it means. */
function eventRows(all, elements) {
  const short = (tag) => tag.replace(/^cardkeep-/, '').replace(/-/g, ' ');
  const names = [...new Set(elements.flatMap((d) => (d.events ?? []).map((e) => e.name)))];
  const rows = names.map((name) => {
    const firing = elements.filter((d) => d.events?.some((e) => e.name === name));
    const event = firing[0].events.find((e) => e.name === name);
    const type = event.type?.text;
    const eventClass = all.find((d) => d.kind === 'class' && d.name === type);
    const fields = (eventClass?.members ?? []).filter((m) => m.kind === 'field' && isPublic(m));
    return [
      code(name),
      firing.length === elements.length
        ? 'all three'
        : firing.map((d) => short(d.tagName)).join(', '),
      eventClass ? code(type) : '`Event`',
      fields.length ? fields.map((f) => code(f.name)).join(', ') : '—',
      cell(eventClass?.description ?? event.description),
    ];
  });
  return table(['Event', 'Fired by', 'Class', 'Fields', 'When'], rows);
}

/** The generated tables, by marker name. */
function tables(manifest) {
  const all = declarations(manifest);
  const find = (predicate, what) => {
    const found = all.find(predicate);
    if (!found) throw new Error(`${MANIFEST} has no ${what}: run \`npm run build\``);
    return found;
  };
  const elements = ELEMENTS.map((tag) => find((d) => d.tagName === tag, `<${tag}>`));
  return {
    shared: apiRows(find((d) => d.name === BASE, BASE)),
    ...Object.fromEntries(elements.map((d) => [d.tagName, apiRows(d)])),
    events: eventRows(all, elements),
  };
}

const marker = (name, end) => `<!-- api:${name}:${end ? 'end' : 'start'} -->`;

/** `text` with each marked region holding its table (a blank line either side, as prettier keeps). */
function fill(text, generated) {
  let out = text;
  for (const [name, body] of Object.entries(generated)) {
    const start = out.indexOf(marker(name));
    const end = out.indexOf(marker(name, true));
    if (start < 0 || end < start)
      throw new Error(`${README} lacks ${marker(name)} … ${marker(name, true)}`);
    out = `${out.slice(0, start + marker(name).length)}\n\n${body}\n\n${out.slice(end)}`;
  }
  return out;
}

/** The text between each pair of markers. */
function regions(text, names) {
  return Object.fromEntries(
    names.map((name) => [
      name,
      text.slice(text.indexOf(marker(name)), text.indexOf(marker(name, true))),
    ]),
  );
}

const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
const current = readFileSync(README, 'utf8');
const generated = tables(manifest);
const options = { ...(await prettier.resolveConfig(README)), filepath: README };
const next = await prettier.format(fill(current, generated), options);

if (process.argv.includes('--check')) {
  const names = Object.keys(generated);
  const want = regions(next, names);
  const have = regions(current, names);
  const stale = names.filter((name) => want[name] !== have[name]);
  if (stale.length) {
    console.error(
      `docs: the ${stale.join(', ')} table(s) in ${README} differ from ${MANIFEST}: run \`npm run docs\`.`,
    );
    process.exit(1);
  }
  console.log(`docs: ${names.length} tables in ${README} match ${MANIFEST}.`);
} else if (next !== current) {
  writeFileSync(README, next);
  console.log(`docs: wrote ${Object.keys(generated).length} tables into ${README}.`);
} else {
  console.log(`docs: ${README} is up to date.`);
}
