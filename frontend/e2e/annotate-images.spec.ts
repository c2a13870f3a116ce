/**
 * The image workflow end to end: log in, create a project and a label schema, upload two images
 * (one dropped, one chosen), draw a box and a polygon, save, reload: they are still there.
 */
import { admin, checkAccessibility, expect, screenshot, test } from "./fixtures";
import { testImage } from "./png";

test("log in, set up a project, upload, annotate, save and reload", async ({ page }) => {
  await test.step("the login page refuses a wrong password, then lets the admin in", async () => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to Groundwork" })).toBeVisible();
    await page.getByLabel("Email").fill(admin.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toContainText(/password|credentials|invalid/i);
    await screenshot(page, "01-login-error");
    await checkAccessibility(page);
    await page.getByLabel("Password").fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Projects" })).toBeVisible();
  });

  await test.step("create a project", async () => {
    await page.getByLabel("Name").fill("Street scenes");
    await page.getByLabel("Description").fill("cars and people");
    await screenshot(page, "02-projects");
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { name: "Street scenes" })).toBeVisible();
    await expect(page).toHaveURL(/\/projects\/\d+\/schemas$/);
  });
  const projectId = Number(/\/projects\/(\d+)\//.exec(page.url())![1]);

  await test.step("create a label schema with two labels and an attribute", async () => {
    await page.getByRole("link", { name: "New schema" }).click();
    await page.getByLabel("Schema name").fill("objects");
    await page.getByLabel("Label 1 name").fill("car");
    await page.getByRole("button", { name: "Add label" }).click();
    await page.getByLabel("Label 2 name").fill("person");
    const types2 = page.getByRole("group", { name: "Allowed types for label 2" });
    await types2.getByLabel("polygon", { exact: true }).uncheck();
    await types2.getByLabel("point", { exact: true }).check();
    await page.getByRole("button", { name: "Add attribute" }).click();
    await page.getByLabel("Attribute 1 name").fill("occluded");
    await page.getByRole("button", { name: "Save schema" }).click();
    await expect(page.getByRole("heading", { name: "Edit schema “objects”" })).toBeVisible();
    await expect(page.getByText("Schema created.")).toBeVisible();
    await screenshot(page, "03-schema-editor");
    await checkAccessibility(page);
  });

  await test.step("upload two images: one dropped, one chosen", async () => {
    await page.getByRole("link", { name: "Files" }).click();
    const dropzone = page.getByTestId("dropzone");
    const png = testImage(640, 480, 1).toString("base64");
    const transfer = await page.evaluateHandle((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], "street-1.png", { type: "image/png" }));
      return dt;
    }, png);
    await dropzone.dispatchEvent("dragover", { dataTransfer: transfer });
    await dropzone.dispatchEvent("drop", { dataTransfer: transfer });
    await expect(page.getByText("1 uploaded")).toBeVisible();
    await page.getByLabel("Files to upload").setInputFiles({
      name: "street-2.png", mimeType: "image/png", buffer: testImage(640, 480, 2),
    });
    await expect(page.getByText("1 uploaded")).toHaveCount(2);
    const grid = page.getByRole("region", { name: "File thumbnails" });
    await expect(grid.getByRole("link")).toHaveCount(2);
    await expect(grid.locator("img")).toHaveCount(2);
    await screenshot(page, "04-data-browser");
    await checkAccessibility(page);
  });

  await test.step("draw a box and a polygon, and save them", async () => {
    await page.getByRole("link", { name: "street-1.png" }).click();
    await expect(page.getByRole("heading", { name: "street-1.png" })).toBeVisible();
    await page.getByRole("link", { name: "Annotate" }).click();
    await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");
    const canvas = page.getByTestId("annotation-canvas");
    const box = (await canvas.boundingBox())!;
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;

    await page.keyboard.press("b");
    await expect(page.getByRole("button", { name: /^Box/ })).toHaveAttribute("aria-pressed", "true");
    await page.mouse.move(cx - 200, cy - 150);
    await page.mouse.down();
    await page.mouse.move(cx - 120, cy - 90, { steps: 5 });
    await page.mouse.move(cx - 60, cy - 40, { steps: 5 });
    await page.mouse.up();

    await page.keyboard.press("p");
    for (const [dx, dy] of [[40, -120], [200, -100], [120, 60]]) {
      await page.mouse.click(cx + dx!, cy + dy!);
      await page.waitForTimeout(450); // separate clicks, not a double click
    }
    await page.keyboard.press("Enter");

    const list = page.getByTestId("shape-list");
    await expect(list.getByRole("button")).toHaveCount(2);
    await expect(page.getByTestId("save-status")).toHaveText("2 unsaved changes");

    // Undo and redo the polygon: the store's history works through the keyboard.
    await page.keyboard.press("Control+z");
    await expect(list.getByRole("button")).toHaveCount(1);
    await page.keyboard.press("Control+Shift+z");
    await expect(list.getByRole("button")).toHaveCount(2);

    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
    await screenshot(page, "05-annotate");
  });

  await test.step("after a reload both shapes are still there, on the server too", async () => {
    await page.reload();
    const list = page.getByTestId("shape-list");
    await expect(list.locator('button[data-type="box"][data-label="car"]')).toHaveCount(1);
    await expect(list.locator('button[data-type="polygon"][data-label="car"]')).toHaveCount(1);
    await expect(page.getByTestId("save-status")).toHaveText("No unsaved changes");

    const fileId = Number(/\/files\/(\d+)\/annotate/.exec(page.url())![1]);
    const res = await page.request.get(`/api/v1/projects/${projectId}/files/${fileId}/annotations`);
    expect(res.ok()).toBe(true);
    const items = ((await res.json()) as { items: { type: string; geometry: Record<string, unknown> }[] }).items;
    expect(items.map((a) => a.type).sort()).toEqual(["box", "polygon"]);
    const boxGeom = items.find((a) => a.type === "box")!.geometry as { w: number; h: number };
    expect(boxGeom.w).toBeGreaterThan(50); // ~140 screen px at the fitted zoom
    expect((items.find((a) => a.type === "polygon")!.geometry.points as unknown[]).length).toBe(3);
    await screenshot(page, "06-annotate-after-reload");
    await checkAccessibility(page);
  });

  await test.step("the file page shows the annotation history", async () => {
    await page.getByRole("link", { name: "← street-1.png" }).click();
    await expect(page.getByRole("heading", { name: "Annotation history" })).toBeVisible();
    await expect(page.locator("article.history")).toHaveCount(2);
    await screenshot(page, "07-file-history");
    await checkAccessibility(page);
  });
});
