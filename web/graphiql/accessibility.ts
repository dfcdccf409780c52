/**
 * GraphiQL 4 renders a few things that axe-core rightly flags: CodeMirror's input textareas have no label, a
 * tab is an interactive list item around a button, and an editor too narrow for a long header (a token) scrolls
 * without keyboard access. This repairs them in the DOM as GraphiQL renders; the colour contrast is in styles.css.
 * Every change is made only when needed, so the observer settles after one pass.
 */
export function repairAccessibility(root: HTMLElement): void {
  const repair = () => {
    set(root.querySelector('.graphiql-query-editor .CodeMirror textarea'), 'aria-label', 'Query');
    const tools = root.querySelectorAll('.graphiql-editor-tool .CodeMirror textarea');
    set(tools[0] ?? null, 'aria-label', 'Variables');
    set(tools[1] ?? null, 'aria-label', 'Headers');
    set(root.querySelector('.graphiql-response .CodeMirror textarea'), 'aria-label', 'Result');
    for (const tab of root.querySelectorAll('li.graphiql-tab')) {
      const button = tab.querySelector('button.graphiql-tab-button');
      if (!button) continue;
      // The button is what the keyboard reaches: it carries the tab role, and the list item none.
      set(button, 'role', 'tab');
      set(button, 'aria-selected', tab.classList.contains('graphiql-tab-active') ? 'true' : 'false');
      set(tab, 'role', 'none');
      if (tab.hasAttribute('aria-selected')) tab.removeAttribute('aria-selected');
    }
    // CodeMirror makes its scroller unreachable by Tab (-1); a long line would then be unreadable by keyboard.
    for (const scroller of root.querySelectorAll('.CodeMirror-scroll')) set(scroller, 'tabindex', '0');
  };
  new MutationObserver(repair).observe(root, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['role', 'aria-selected', 'tabindex', 'class'],
  });
  repair();
}

function set(element: Element | null, attribute: string, value: string): void {
  if (element && element.getAttribute(attribute) !== value) element.setAttribute(attribute, value);
}
