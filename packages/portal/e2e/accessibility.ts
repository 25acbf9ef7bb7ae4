// Automated accessibility checks in the browser with axe-core (Deque's rules engine), WCAG 2.1 levels A and AA.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface Violation {
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  /** CSS selectors of the offending elements. */
  readonly targets: readonly string[];
}

interface AxeResult {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: unknown[] }[];
  }[];
}

const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
};

// The expressions below run in the browser; they are strings because this project is type-checked without the DOM.

/** The WCAG 2.1 A and AA violations axe-core finds on the page as it is now (open dialogs included). */
export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate<boolean>(`typeof window.axe === 'object'`))) await page.addScriptTag({ path: AXE_SOURCE });
  const result = await page.evaluate<AxeResult>(`window.axe.run(document, ${JSON.stringify(AXE_OPTIONS)})`);
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
  }));
}

/** How many pixels the page is wider than the window (0: no horizontal scroll bar). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(`Math.max(0, document.documentElement.scrollWidth - window.innerWidth)`);
}

/** The element that has the keyboard focus, as `<tag>:<its accessible label or text>`. */
export function focusedElement(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (el === null) return '';
    const labelled = el.id ? document.querySelector('label[for="' + CSS.escape(el.id) + '"]') : null;
    const label = el.getAttribute('aria-label') ?? labelled?.textContent ?? el.textContent ?? '';
    return el.tagName.toLowerCase() + ':' + label.trim();
  })()`);
}
