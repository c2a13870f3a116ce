/** The base URL of the server the global setup started, and the admin's credentials. */
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const screens = resolve(dirname(fileURLToPath(import.meta.url)), "..", "test-results", "screens");

export const admin = {
  get email(): string {
    return process.env.GW_ADMIN_EMAIL!;
  },
  get password(): string {
    return process.env.GW_ADMIN_PASSWORD!;
  },
};

export const test = base.extend({
  // eslint-disable-next-line no-empty-pattern -- Playwright's fixture signature
  baseURL: async ({}, use) => use(process.env.GW_BASE_URL),
});

export { expect };

/** Keep a screenshot of a key screen as a test artifact (test-results/screens/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screens, { recursive: true });
  await page.screenshot({ path: resolve(screens, `${name}.png`) });
}

/** Sign in through the login form (as the admin unless told otherwise). */
export async function login(page: Page, email = admin.email, password = admin.password): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
}

/**
 * Accessibility on the current screen: axe-core's WCAG 2.1 AA rules, then our own basics: every
 * form control and button has a name, every image has alternative text (empty for decorative
 * ones), and focus shows a visible outline.
 */
export async function checkAccessibility(page: Page): Promise<void> {
  // axe-core: WCAG 2.1 A and AA rules (names, roles, contrast, landmarks...) on the page as it is now.
  const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const violations = axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  expect(violations, "axe found accessibility violations").toEqual([]);
  const problems = await page.evaluate(() => {
    const out: string[] = [];
    const named = (el: Element) =>
      Boolean(el.getAttribute("aria-label")?.trim() || el.getAttribute("aria-labelledby") ||
        ((el as HTMLInputElement).labels?.length ?? 0) > 0 || el.closest("label"));
    for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
      if ((el as HTMLInputElement).hidden) continue;
      if (!named(el)) out.push(`unlabelled ${el.tagName.toLowerCase()} ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll("button, a[href]")) {
      if (!(el.textContent?.trim() || el.getAttribute("aria-label"))) out.push(`nameless ${el.outerHTML.slice(0, 80)}`);
    }
    for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) out.push(`img without alt ${img.src}`);
    return out;
  });
  expect(problems).toEqual([]);
  // Tab until something on the page has focus (the browser's own UI may come first), then look at it.
  let outline = "none";
  for (let i = 0; i < 4 && outline === "none"; i++) {
    await page.keyboard.press("Tab");
    outline = await page.evaluate(() => {
      const el = document.activeElement;
      return el && el !== document.body ? getComputedStyle(el).outlineStyle : "none";
    });
  }
  expect(outline, "a focused control shows an outline").not.toBe("none");
}
