// Keeps keyboard focus inside a modal dialog while it is open: Tab and Shift+Tab cycle through
// the dialog's controls, never reaching the page behind it, and focus goes back to where it was
// when the dialog closes. The dialogs handle Escape and clicks themselves, so the trap leaves
// both alone. `focus-trap` knows which elements are tabbable (the `tabbable` package), which a
// hand-written query gets wrong for disabled, hidden and contenteditable elements.
import { createFocusTrap, type FocusTrap } from "focus-trap";

export function trapFocus(node: HTMLElement) {
  if (!node.hasAttribute("tabindex")) node.setAttribute("tabindex", "-1");
  const trap: FocusTrap = createFocusTrap(node, {
    // Components focus their first field themselves (the palette's input, a dialog's default button).
    initialFocus: false,
    fallbackFocus: node,
    escapeDeactivates: false,
    clickOutsideDeactivates: false,
    allowOutsideClick: true,
    returnFocusOnDeactivate: true,
    // CodeMirror and the merge view put focus in elements the tabbable scan cannot see yet.
    tabbableOptions: { displayCheck: "none" },
  });
  // Activate after the component has placed its initial focus.
  const timer = setTimeout(() => trap.activate(), 0);
  return {
    destroy() {
      clearTimeout(timer);
      trap.deactivate();
    },
  };
}
