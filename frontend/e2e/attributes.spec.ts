/** Classification and attributes: classes and file attributes of an image and a text, a shape's attributes; saved and queried. */
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

test("classify files and describe shapes with attributes; saved, reloaded, and found by a query", async ({ page }) => {
  await login(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: "Attributes" } })).json();
  const base = `/api/v1/projects/${project.id}`;
  const schema = await (await api.post(`${base}/schemas`, { data: { name: "scenes", labels: [
    { name: "car", color: "#1f77b4", annotation_types: ["box"] },
    { name: "indoor", color: "#2ca02c", annotation_types: ["tag"] },
    { name: "sports", color: "#d62728", annotation_types: ["tag", "span"] },
  ], attributes: [
    { name: "weather", kind: "select", scope: "file", options: ["sunny", "rainy"] },
    { name: "occluded", kind: "boolean", scope: "instance", label_names: ["car"] },
  ] } })).json();
  const form = new FormData();
  form.append("files", new Blob([new Uint8Array(testImage(200, 150, 61))], { type: "image/png" }), "scene.png");
  form.append("files", new Blob(["The match ended two to one after extra time."], { type: "text/plain" }), "match.txt");
  const [image, text] = (await (await api.post(`${base}/files`, { multipart: form })).json()).items.map((i: { file: { id: number } }) => i.file.id);
  await api.post(`${base}/files/${image}/annotations`, {
    data: { schema_id: schema.id, type: "box", label: "car", geometry: { x: 10, y: 10, w: 60, h: 40 } },
  });

  await page.goto(`/projects/${project.id}/files/${image}/annotate`);
  const classes = page.getByRole("group", { name: "Classes of this file" });
  await classes.getByRole("checkbox", { name: "indoor" }).check();
  await page.keyboard.press("Control+z"); // classifying is undoable like any edit
  await expect(classes.getByRole("checkbox", { name: "indoor" })).not.toBeChecked();
  await classes.getByRole("checkbox", { name: "indoor" }).check();
  await page.getByLabel("weather").selectOption("sunny");
  await page.getByTestId("shape-list").getByRole("button").click();
  await page.getByRole("group", { name: "Attributes" }).getByLabel("occluded").check();
  await expect(page.getByTestId("save-status")).toHaveText("3 unsaved changes");
  await screenshot(page, "26-attributes");
  await checkAccessibility(page);
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");

  await page.reload();
  await expect(classes.getByRole("checkbox", { name: "indoor" })).toBeChecked();
  await expect(page.getByLabel("weather")).toHaveValue("sunny");
  await page.getByTestId("shape-list").getByRole("button").click();
  await expect(page.getByRole("group", { name: "Attributes" }).getByLabel("occluded")).toBeChecked();
  const count = await api.get(`${base}/files/count`, { params: { q: "labels.indoor = 1 and attribute.weather = 'sunny' and attribute.occluded = true" } });
  expect((await count.json()).count).toBe(1);

  // Texts are classified the same way.
  await page.goto(`/projects/${project.id}/files/${text}/annotate`);
  await page.getByRole("group", { name: "Classes of this file" }).getByRole("checkbox", { name: "sports" }).check();
  await page.getByLabel("weather").selectOption("rainy");
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  const tags = (await (await api.get(`${base}/files/${text}/annotations`)).json()).items as { type: string; label_id: number | null; attributes: object }[];
  expect(tags.map((t) => [t.type, t.label_id === null, t.attributes]).sort()).toEqual([["tag", false, {}], ["tag", true, { weather: "rainy" }]]);
});

test("a class ticked while the file's annotations are still loading is not lost", async ({ page }) => {
  await login(page);
  const api = page.request;
  const project = await (await api.post("/api/v1/projects", { data: { name: "Slow network" } })).json();
  const base = `/api/v1/projects/${project.id}`;
  await api.post(`${base}/schemas`, { data: { name: "topics", labels: [{ name: "sports", color: "#d62728", annotation_types: ["tag"] }] } });
  const form = new FormData();
  form.append("files", new Blob(["The match ended two to one."], { type: "text/plain" }), "match.txt");
  const file = (await (await api.post(`${base}/files`, { multipart: form })).json()).items[0].file.id as number;
  // A slow answer for the file's annotations: the page is up well before they arrive.
  let delayed = 0;
  await page.route(new RegExp(`${base}/files/${file}/annotations\\?`), async (route) => {
    delayed += 1;
    const response = await route.fetch(); // read now, delivered late: the answer predates any edit
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response });
  });
  await page.goto(`/projects/${project.id}/files/${file}/annotate`);
  await expect(page.getByText("Loading annotations…").first()).toBeVisible();
  const sports = page.getByRole("group", { name: "Classes of this file" }).getByRole("checkbox", { name: "sports" });
  await sports.check(); // waits until the editor takes edits
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  await expect(sports).toBeChecked();
  const tags = (await (await api.get(`${base}/files/${file}/annotations`)).json()).items as { type: string }[];
  expect(tags.map((t) => t.type)).toEqual(["tag"]);
  expect(delayed).toBeGreaterThan(0); // the slow answer really was in the way
});
