/** Insights: tasks by status and throughput per annotator, drawn from the server's reports. */
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

test("charts of tasks by status and of throughput per annotator", async ({ page }) => {
  await login(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: "Insightful" } })).json();
  const base = `/api/v1/projects/${project.id}`;
  const schema = await (await api.post(`${base}/schemas`, {
    data: { name: "s", labels: [{ name: "car", color: "#1f77b4", annotation_types: ["box"] }] },
  })).json();
  const form = new FormData();
  for (let i = 0; i < 3; i++) form.append("files", new Blob([new Uint8Array(testImage(40, 30, 500 + i))], { type: "image/png" }), `i${i}.png`);
  const fileIds = (await (await api.post(`${base}/files`, { multipart: form })).json()).items.map((i: { file: { id: number } }) => i.file.id);
  const created = (await (await api.post(`${base}/tasks`, { data: { file_ids: fileIds, schema_id: schema.id } })).json()).created;
  const act = async (task: { id: number; version: number }, action: string) =>
    (await api.post(`${base}/tasks/${task.id}/actions`, { data: { action, version: task.version } })).json();
  for (const t of created.slice(0, 2)) {
    const submitted = await act(await act(t, "start"), "submit");
    if (t === created[0]) await act(submitted, "approve");
  }

  await page.goto(`/projects/${project.id}/tasks`);
  await page.getByRole("link", { name: "Insights" }).click();
  await expect(page.getByRole("heading", { name: "Insights" })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Tasks by status: 3 in all; 1 available, 0 in progress, 1 submitted/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Tasks by status/ }).locator(".recharts-bar-rectangle").first()).toBeVisible();
  const perPerson = page.getByRole("table", { name: "Throughput per annotator" });
  await expect(perPerson.getByRole("row").nth(1)).toHaveText(/Administrator\s*2\s*1\s*50%/);
  const line = page.getByRole("img", { name: /^Tasks submitted per day/ });
  await expect(line).toHaveAccessibleName(/2 in all; Administrator 2/);
  await expect(line.locator(".recharts-line-curve")).toHaveCount(1);

  await page.getByRole("radio", { name: "approved" }).check();
  await expect(page.getByRole("img", { name: /^Tasks approved per day/ })).toHaveAccessibleName(/1 in all/);
  await page.getByLabel("Period").selectOption({ label: "last 7 days" });
  await expect(page.getByRole("img", { name: /^Tasks approved per day/ }).locator(".recharts-line-curve")).toHaveCount(1);
  await screenshot(page, "25-insights");
  await checkAccessibility(page);
});
