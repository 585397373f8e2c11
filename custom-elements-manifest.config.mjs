// Read by `cem analyze` (scripts/build.mjs). Tag names and events come from the standard JSDoc
// in each element's doc header (`@tagname`, `@fires {Type} name - description`). Two gaps of
// the analyzer (0.11) remain, each filled from its own AST or manifest, never by reading source
// text:
// 1. Lit's `state: true` in `static properties` means internal state, not an attribute; the
//    analyzer only honours `attribute: false` (open-wc/custom-elements-manifest#294).
// 2. For `this.dispatchEvent(new CardkeepOpenEvent(form))` the analyzer also lists an event
//    named after the constructor's first argument (`form`, `status`, `failure`). The `@fires`
//    tags are the list: an event without a description did not come from one.

/** `state: true` properties by class name, from `static properties = { name: { state: true } }`. */
function litStatePlugin() {
  const states = new Map();
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
              o.initializer.kind === ts.SyntaxKind.TrueKeyword,
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

/** Keeps only the events a `@fires` tag documents (they carry its description). */
function documentedEventsPlugin() {
  return {
    name: 'cardkeep-documented-events',
    packageLinkPhase({ customElementsManifest }) {
      for (const declaration of classes(customElementsManifest)) {
        if (declaration.events) {
          declaration.events = declaration.events.filter((e) => e.description !== undefined);
        }
      }
    },
  };
}

function classes(manifest) {
  return manifest.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.kind === 'class');
}

export default {
  plugins: [litStatePlugin(), documentedEventsPlugin()],
};
