/** The data browser keeps only visible rows in the DOM, loads cursor pages as you scroll, and filters. */
import { expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

const COUNT = 260;

test("hundreds of files scroll through a virtualised grid and filter by name", async ({ page }) => {
  await login(page);
  const project = await (await page.request.post("/api/v1/projects", { data: { name: "Many files" } })).json();
  const form = new FormData();
  for (let i = 0; i < COUNT; i++) {
    const name = `f-${String(i).padStart(4, "0")}.png`;
    form.append("files", new Blob([new Uint8Array(testImage(24, 16, 1000 + i))], { type: "image/png" }), name);
  }
  const upload = await page.request.post(`/api/v1/projects/${project.id}/files`, { multipart: form, timeout: 60_000 });
  expect(upload.status()).toBe(201);

  await page.goto(`/projects/${project.id}/files`);
  const grid = page.getByRole("region", { name: "File thumbnails" });
  await expect(page.getByTestId("file-count")).toHaveText(`${COUNT} files`); // counted by the server
  const rendered = await grid.getByRole("link").count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThan(100); // only the visible rows (and a few more) exist

  // Scrolling to the end loads the next pages until the cursor runs out.
  await expect(async () => {
    await grid.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(grid.getByRole("link", { name: `f-${String(COUNT - 1).padStart(4, "0")}.png` })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(grid.getByRole("link", { name: "f-0000.png" })).toHaveCount(0); // scrolled out, so not rendered
  const thumb = grid.getByRole("link", { name: "f-0259.png" }).locator("img");
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  await screenshot(page, "10-browser-scrolled");

  await page.getByLabel("Name contains").fill("f-0042");
  await expect(page.getByText("1 file", { exact: true })).toBeVisible();
  await expect(grid.getByRole("link")).toHaveCount(1);
});
