/** Stale writes: an annotation or a schema changed by someone else gets a 409, and the UI offers a reload. */
import type { APIRequestContext } from "@playwright/test";
import { expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

async function setUp(api: APIRequestContext, seed: number) {
  const project = await (await api.post("/api/v1/projects", { data: { name: `Conflicts ${seed}` } })).json();
  const schema = await (await api.post(`/api/v1/projects/${project.id}/schemas`, {
    data: { name: "objects", labels: [{ name: "car", color: "#d62728", annotation_types: ["box"] }] },
  })).json();
  const upload = await (await api.post(`/api/v1/projects/${project.id}/files`, {
    multipart: { files: { name: `c${seed}.png`, mimeType: "image/png", buffer: testImage(320, 240, seed) } },
  })).json();
  const fileId: number = upload.items[0].file.id;
  const annotation = await (await api.post(`/api/v1/projects/${project.id}/files/${fileId}/annotations`, {
    data: { type: "box", schema_id: schema.id, label: "car", geometry: { x: 10, y: 10, w: 50, h: 40 } },
  })).json();
  return { projectId: project.id as number, schema, fileId, annotation };
}

test("saving over someone else's annotation edit offers a reload", async ({ page }) => {
  await login(page);
  const { projectId, fileId, annotation } = await setUp(page.request, 7);
  await page.goto(`/projects/${projectId}/files/${fileId}/annotate`);
  const list = page.getByTestId("shape-list");
  await expect(list.getByRole("button")).toHaveCount(1);

  await list.getByRole("button").click();
  await page.keyboard.press("v");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByTestId("save-status")).toHaveText("1 unsaved change");

  // Someone else moves the same box meanwhile.
  const other = await page.request.patch(`/api/v1/projects/${projectId}/annotations/${annotation.id}`, {
    data: { version: 1, geometry: { x: 100, y: 100, w: 50, h: 40 } },
  });
  expect(other.status()).toBe(200);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Someone else changed" });
  await expect(alert).toBeVisible();
  await screenshot(page, "08-annotation-conflict");
  await alert.getByRole("button", { name: /Reload annotations/ }).click();
  await expect(alert).toBeHidden();
  await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");
  await expect(list.getByRole("button")).toHaveCount(1);

  // After the reload, edits apply on top of the other person's version and save cleanly.
  await list.getByRole("button").click();
  await page.keyboard.press("ArrowDown");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  const now = await (await page.request.get(`/api/v1/projects/${projectId}/annotations/${annotation.id}`)).json();
  expect(now.version).toBe(3);
  expect(now.geometry).toEqual({ x: 100, y: 101, w: 50, h: 40 });
});

test("saving a schema someone else changed offers the latest revision", async ({ page }) => {
  await login(page);
  const { projectId, schema } = await setUp(page.request, 8);
  await page.goto(`/projects/${projectId}/schemas/${schema.id}`);
  await expect(page.getByLabel("Label 1 name")).toHaveValue("car");

  const other = await page.request.put(`/api/v1/projects/${projectId}/schemas/${schema.id}`, {
    data: { revision: 1, name: "objects", labels: [{ id: schema.labels[0].id, name: "automobile", color: "#d62728", annotation_types: ["box"] }] },
  });
  expect(other.status()).toBe(200);

  await page.getByLabel("Label 1 name").fill("vehicle");
  await page.getByRole("button", { name: "Save schema" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "Someone else saved this schema" });
  await expect(alert).toBeVisible();
  await screenshot(page, "09-schema-conflict");
  await alert.getByRole("button", { name: /Reload the latest version/ }).click();
  await expect(page.getByLabel("Label 1 name")).toHaveValue("automobile");
  await expect(page.getByText("Editing revision 2")).toBeVisible();
});
