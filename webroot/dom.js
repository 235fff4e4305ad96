// Building DOM nodes for the pages. Text goes in through textContent only, so nothing from the server is ever
// parsed as HTML.

/** A new element with an optional class and text. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}
