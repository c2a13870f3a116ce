/** The data browser's query bar (completions, errors at the column), datasets, and a pre-label beside its correction. */
import type { APIRequestContext } from "@playwright/test";
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

async function setUp(api: APIRequestContext) {
  const project = await (await api.post("/api/v1/projects", { data: { name: "Slices" } })).json();
  const base = `/api/v1/projects/${project.id}`;
  const schema = await (await api.post(`${base}/schemas`, {
    data: { name: "road", labels: [{ name: "car", color: "#1f77b4", annotation_types: ["box"] },
                                  { name: "traffic light", color: "#d62728", annotation_types: ["box"] }] },
  })).json();
  const form = new FormData();
  for (let i = 0; i < 4; i++) form.append("files", new Blob([new Uint8Array(testImage(160, 120, 300 + i))], { type: "image/png" }), `road-${i}.png`);
  const files = (await (await api.post(`${base}/files`, { multipart: form })).json()).items.map((i: { file: { id: number } }) => i.file.id);
  const box = (x: number, extra: Record<string, unknown> = {}) => ({
    schema_id: schema.id, type: "box", label: "car", geometry: { x, y: 10, w: 30, h: 20 }, ...extra,
  });
  for (const x of [5, 50]) await api.post(`${base}/files/${files[0]}/annotations`, { data: box(x) });
  // files[1]: one car the model found, which a person then corrected.
  const pre = await (await api.post(`${base}/files/${files[1]}/annotations`, {
    data: box(20, { source: "model", model_name: "owlv2", score: 0.64 }),
  })).json();
  const fixed = await api.patch(`${base}/annotations/${pre.id}`, {
    data: { version: 1, source: "human", geometry: { x: 24, y: 8, w: 40, h: 30 } },
  });
  expect(fixed.status()).toBe(200);
  return { projectId: project.id as number, files: files as number[] };
}

test("query with completions and errors at the column; datasets; a pre-label beside its correction", async ({ page }) => {
  await login(page);
  const { projectId, files } = await setUp(page.request);
  await page.goto(`/projects/${projectId}/files`);
  const grid = page.getByRole("region", { name: "File thumbnails" });
  await expect(page.getByTestId("file-count")).toHaveText("4 files");

  // Completions come from the server at the cursor: a label name, then an operator.
  const query = page.getByRole("combobox", { name: "Query" });
  await query.fill("labels.c");
  const options = page.getByRole("listbox", { name: "Completions" }).getByRole("option");
  await expect(options.first()).toHaveText(/^car/);
  await query.press("ArrowDown");
  await query.press("Enter");
  await expect(query).toHaveValue("labels.car");
  await query.press("End");
  await query.pressSequentially(" ");
  await expect(options.filter({ hasText: ">=" })).toBeVisible();
  await query.pressSequentially("> 1");
  await query.press("Escape");
  await query.press("Enter");
  await expect(page).toHaveURL(/q=labels\.car/);
  await expect(page.getByTestId("file-count")).toHaveText("1 file");
  await expect(grid.getByRole("link")).toHaveCount(1);
  await expect(grid.getByRole("link", { name: "road-0.png" })).toBeVisible();

  // A syntax error is pointed at: the caret sits under column 16, and the link puts the cursor there.
  await query.fill("labels.car > 1 labels.car");
  const error = page.getByTestId("query-error");
  await expect(error).toContainText("line 1, column 16");
  await expect(query).toHaveAttribute("aria-invalid", "true");
  const caret = await error.locator("pre").textContent();
  expect(caret?.split("\n")[1]).toBe(`${" ".repeat(15)}^`);
  await screenshot(page, "20-query-error");
  await error.getByRole("button", { name: "Go to line 1, column 16" }).click();
  await expect.poll(() => query.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(15);
  await query.fill("labels.\"traffic light\" = 0 and labels.car.human >= 1");
  await expect(error).toBeEmpty();
  await query.press("Enter");
  await expect(page.getByTestId("file-count")).toHaveText("2 files");
  await checkAccessibility(page);
  await page.getByRole("button", { name: "Clear", exact: true }).click();
  await expect(page.getByTestId("file-count")).toHaveText("4 files");

  // Datasets: create one, add a shift-clicked range of files, filter by it, take one out.
  await page.getByRole("link", { name: "Datasets" }).click();
  await page.getByLabel("Name", { exact: true }).fill("night");
  await page.getByRole("button", { name: "Create dataset" }).click();
  await expect(page.getByRole("table", { name: "Datasets" }).getByRole("link", { name: "night" })).toBeVisible();
  await page.getByRole("link", { name: "Files" }).click();
  await grid.getByRole("checkbox", { name: "Select road-1.png" }).click();
  await grid.getByRole("checkbox", { name: "Select road-3.png" }).click({ modifiers: ["Shift"] });
  await expect(page.getByTestId("selected-count")).toHaveText("3 selected");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("Added 3; night has 3 files")).toBeVisible();
  await page.getByLabel("Dataset", { exact: true }).selectOption({ label: "night (3)" });
  await expect(page.getByTestId("file-count")).toHaveText("3 files");
  await expect(grid.getByRole("link", { name: "road-0.png" })).toHaveCount(0);
  await page.getByRole("button", { name: "Clear selection" }).click();
  await grid.getByRole("checkbox", { name: "Select road-2.png" }).click();
  await page.getByRole("button", { name: "Remove from night" }).click();
  await expect(page.getByTestId("file-count")).toHaveText("2 files");
  await screenshot(page, "21-browser-dataset");

  // The file detail shows the model's pre-label next to the person's correction.
  await page.goto(`/projects/${projectId}/files/${files[1]}`);
  const review = page.getByRole("listitem", { name: /Pre-label .* corrected: geometry/ });
  await expect(review).toBeVisible();
  await expect(review.getByRole("img", { name: /the model's box/ })).toBeVisible();
  await expect(review.getByRole("img", { name: /the corrected box/ })).toBeVisible();
  await expect(review).toContainText("owlv2 64%");
  await screenshot(page, "22-file-history-prelabel");
});
