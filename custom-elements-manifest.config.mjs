// Read by `cem analyze` (scripts/build.mjs). Three things the analyzer's Lit support does not know
// about this codebase, taught here so custom-elements.json tells editors the truth:
// 1. Lit's `state: true` in `static properties` means internal state, not an attribute (the
//    analyzer only honours `attribute: false`, so `view`, `text`, `status`… showed as attributes).
// 2. The tags are registered through defineOnce() in src/define.ts, which the analyzer cannot follow, so
//    the classes had no `tagName`.
// 3. Events dispatched as `new CardkeepOpenEvent(form)` were listed under the argument's name
//    (`form`, `result`, `failure`); they are the documented `cardkeep-*` events, now typed.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** `state: true` properties by class name, from `static properties = { name: { state: true } }`. */
function litStatePlugin() {
  const states = new Map();
  const isTrue = (ts, node) => node.kind === ts.SyntaxKind.TrueKeyword;
  return {
    name: 'cardkeep-lit-state',
    analyzePhase({ ts, node }) {
      if (!ts.isClassDeclaration(node) || !node.name) return;
      for (const member of node.members) {
        const isStatic = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
        if (!isStatic || member.name?.getText() !== 'properties') continue;
        const object = member.initializer;
        if (!object || !ts.isObjectLiteralExpression(object)) continue;
        for (const property of object.properties) {
          const options = ts.isPropertyAssignment(property) ? property.initializer : undefined;
          if (!options || !ts.isObjectLiteralExpression(options)) continue;
          const state = options.properties.some(
            (o) =>
              ts.isPropertyAssignment(o) &&
              o.name.getText() === 'state' &&
              isTrue(ts, o.initializer),
          );
          if (!state) continue;
          const names = states.get(node.name.text) ?? new Set();
          names.add(property.name.getText());
          states.set(node.name.text, names);
        }
      }
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const declaration of classes(customElementsManifest)) {
        const internal = states.get(declaration.name);
        if (!internal || !declaration.attributes) continue;
        declaration.attributes = declaration.attributes.filter((a) => !internal.has(a.fieldName));
        // Still members (public or private as the TypeScript says), just not attributes.
        for (const member of declaration.members ?? []) {
          if (internal.has(member.name)) delete member.attribute;
        }
      }
    },
  };
}

/** Tag names from src/define.ts's `['cardkeep-x', ClassName]` pairs. */
function tagNamesPlugin() {
  return {
    name: 'cardkeep-tag-names',
    packageLinkPhase({ customElementsManifest }) {
      const source = readFileSync('src/define.ts', 'utf8');
      const tags = new Map(
        [...source.matchAll(/\[\s*'([a-z][\w-]*-[\w-]*)',\s*(\w+)\s*\]/g)].map((m) => [m[2], m[1]]),
      );
      for (const declaration of classes(customElementsManifest)) {
        const tag = tags.get(declaration.name);
        if (!tag) continue;
        declaration.tagName = tag;
        declaration.customElement = true;
      }
    },
  };
}

/** Event entries named after a constructor argument become the event they are. */
function eventNamesPlugin() {
  return {
    name: 'cardkeep-event-names',
    packageLinkPhase({ customElementsManifest }) {
      const names = new Map();
      for (const file of readdirSync('src/events')) {
        const source = readFileSync(join('src/events', file), 'utf8');
        const match = /class (\w+) extends Event[\s\S]*?super\('([\w-]+)'/.exec(source);
        if (match) names.set(match[1], match[2]);
      }
      for (const declaration of classes(customElementsManifest)) {
        if (!declaration.events) continue;
        const events = [];
        for (const event of declaration.events) {
          const real = names.get(event.type?.text);
          if (event.description !== undefined || real === undefined || real === event.name) {
            events.push(event);
            continue;
          }
          // `new CardkeepUpdatedEvent(result)`: the event is `cardkeep-updated`.
          const documented = declaration.events.find((e) => e.name === real);
          if (documented) documented.type = event.type;
          else if (!events.some((e) => e.name === real)) events.push({ ...event, name: real });
        }
        // Every `cardkeep-*` event names its class, for editors and typed wrappers.
        for (const event of events) {
          const type = [...names].find(([, name]) => name === event.name)?.[0];
          if (type && !event.type) event.type = { text: type };
        }
        declaration.events = events;
      }
    },
  };
}

function classes(manifest) {
  return manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.kind === 'class');
}

export default {
  plugins: [litStatePlugin(), tagNamesPlugin(), eventNamesPlugin()],
};
