/**
 * Moving through a page with the keyboard only, as a person who does not use a mouse would: Tab (or
 * Shift+Tab) until the wanted element has the focus, and check that the focus can be seen there.
 */
import type { Locator, Page } from "playwright-core";

/** What has the focus, in a few words: its tag, role and name (for failure messages). */
export async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "(the page itself)";
    const role = el.getAttribute("role");
    const labelled = el.getAttribute("aria-labelledby");
    const label =
      el.getAttribute("aria-label") ??
      (labelled ? labelled.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? "").join(" ") : null) ??
      ((el as HTMLInputElement).labels?.[0]?.textContent ?? null) ??
      el.textContent ??
      "";
    return `<${el.tagName.toLowerCase()}${role ? ` role=${role}` : ""}> "${label.replace(/\s+/g, " ").trim().slice(0, 60)}"`;
  });
}

/** Whether `target` has the focus. */
export function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement);
}

/**
 * Whether the focused element shows that it has the focus: it matches :focus-visible and draws an
 * outline or a box shadow (a text field or the editor's text may show it by its caret instead).
 */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return false;
    if (!el.matches(":focus-visible")) return false;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
    const typing = el.isContentEditable || el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !["checkbox", "radio", "submit", "button"].includes((el as HTMLInputElement).type));
    return outline || shadow || typing;
  });
}

export interface TabOptions {
  /** Shift+Tab instead of Tab. */
  backwards?: boolean;
  /** At most this many key presses (default 80). */
  max?: number;
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus, at most `max` times; then checks that the
 * focus is visible there. Fails with the elements the focus passed, so a missing stop can be found.
 * Returns the number of presses.
 */
export async function tabTo(page: Page, target: Locator, options: TabOptions = {}): Promise<number> {
  const max = options.max ?? 80;
  const key = options.backwards ? "Shift+Tab" : "Tab";
  const trail: string[] = [];
  for (let presses = 0; presses <= max; presses++) {
    if (presses > 0) {
      await page.keyboard.press(key);
      trail.push(await describeFocus(page));
    }
    if ((await target.count()) === 1 && (await hasFocus(target))) {
      if (!(await focusIsVisible(page))) throw new Error(`${await describeFocus(page)} has the focus, but shows no focus indicator`);
      return presses;
    }
  }
  throw new Error(`${key} did not reach ${target} in ${max} presses on ${page.url()}; the focus went: ${trail.slice(-25).join(" → ")}`);
}
