/**
 * Defines each tag unless something holds it already, so a page that loads Cardkeep twice (or
 * the script tag next to an npm build) keeps working: the first definition wins.
 */
export function defineOnce(
  elements: ReadonlyArray<readonly [tag: string, element: CustomElementConstructor]>,
): void {
  for (const [tag, element] of elements) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}
