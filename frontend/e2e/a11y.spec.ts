/**
 * Every key screen at 1280×800: axe-core's WCAG 2.1 AA rules, no sideways scrolling, the editor
 * without any scrolling; the skip link and a sensible focus order; the editor from the keyboard.
 */
import type { Page } from "@playwright/test";
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return "";
    const label = el.getAttribute("aria-label") ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? "";
    return label.trim().replace(/\s+/g, " ");
  });
}

async function tabOrder(page: Page, presses: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press("Tab");
    names.push(await focusedName(page));
  }
  return names;
}

test("key screens pass axe at 1280×800, keep a sensible focus order, and the editor works from the keyboard", async ({ page }) => {
  await login(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: "Accessible" } })).json();
  const base = `/api/v1/projects/${project.id}`;
  const schema = await (await api.post(`${base}/schemas`, {
    data: { name: "s", labels: [{ name: "car", color: "#1f77b4", annotation_types: ["box"] }] },
  })).json();
  const upload = await (await api.post(`${base}/files`, {
    multipart: { files: { name: "a11y.png", mimeType: "image/png", buffer: testImage(320, 240, 77) } },
  })).json();
  const fileId: number = upload.items[0].file.id;
  await api.post(`${base}/files/${fileId}/annotations`, {
    data: { schema_id: schema.id, type: "box", label: "car", geometry: { x: 10, y: 10, w: 50, h: 40 } },
  });
  await api.post(`${base}/datasets`, { data: { name: "train" } });
  await api.post(`${base}/tasks`, { data: { file_ids: [fileId], schema_id: schema.id } });

  const screens: [string, string][] = [
    ["files", "30-files"], [`files/${fileId}`, "31-file-detail"], ["datasets", "32-datasets"], ["tasks", "33-tasks"],
    ["insights", "34-insights"], ["workflows", "39-workflows"], ["schemas", "35-schemas"], [`schemas/${schema.id}`, "36-schema-editor"], ["members", "37-members"],
  ];
  for (const [path, shot] of screens) {
    await page.goto(`/projects/${project.id}/${path}`);
    await expect(page.getByRole("heading", { level: 1, name: "Accessible" })).toBeVisible();
    await page.waitForLoadState("networkidle");
    await screenshot(page, shot);
    await checkAccessibility(page);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${path} scrolls sideways at 1280 px`).toBeLessThanOrEqual(1280);
  }

  // The skip link comes first and lands in the main region; then the tabs, then the page's own controls in reading order.
  await page.goto(`/projects/${project.id}/files`);
  await expect(page.getByTestId("file-count")).toHaveText("1 file");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  const order = await tabOrder(page, 13);
  const expected = ["Files", "Datasets", "Tasks", "Insights", "Workflows", "Label schemas", "Members", "Choose files…", "Query", "Apply", "Dataset", "Name contains", "Kind"];
  expect(order).toEqual(expected);

  // The editor: no scrolling at all; shapes chosen from the list, deleted, undone, all from the keyboard.
  await page.goto(`/projects/${project.id}/files/${fileId}/annotate`);
  const list = page.getByTestId("shape-list");
  await expect(list.getByRole("button")).toHaveCount(1);
  const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
  expect(size).toEqual([1280, 800]);
  await checkAccessibility(page);
  await list.getByRole("button").focus();
  await page.keyboard.press("Enter");
  await expect(list.getByRole("button")).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Delete");
  await expect(list.getByRole("button")).toHaveCount(0);
  await page.keyboard.press("Control+z");
  await expect(list.getByRole("button")).toHaveCount(1);
  await page.getByTestId("annotation-canvas").focus();
  await page.keyboard.press("+");
  await expect(page.getByRole("toolbar", { name: "Annotation tools" })).toContainText(/\d+%/);
  await screenshot(page, "38-annotate-keyboard");
});
