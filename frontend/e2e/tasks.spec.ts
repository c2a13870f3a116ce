/**
 * The task flow with two people: an annotator takes the next task, draws and submits; the admin
 * reviews and sends it back with a comment; the annotator fixes and resubmits; the admin approves.
 */
import type { Page } from "@playwright/test";
import { expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

async function drawBox(page: Page, dx: number): Promise<void> {
  const canvas = (await page.getByTestId("annotation-canvas").boundingBox())!;
  const cx = canvas.x + canvas.width / 2, cy = canvas.y + canvas.height / 2;
  await page.keyboard.press("b");
  await page.mouse.move(cx + dx, cy - 60);
  await page.mouse.down();
  await page.mouse.move(cx + dx + 60, cy, { steps: 4 });
  await page.mouse.up();
}

test("next task, submit, review with changes requested, resubmit, approve", async ({ page: adminPage, browser, baseURL }) => {
  await login(adminPage);
  const api = adminPage.request;
  const email = `annie-${Date.now()}@example.com`;
  expect((await api.post("/api/v1/users", { data: { email, name: "Annie", password: "annotate all day" } })).status()).toBe(201);
  const project = await (await api.post("/api/v1/projects", { data: { name: "Queue" } })).json();
  const p = project.id as number;
  expect((await api.post(`/api/v1/projects/${p}/members`, { data: { email, role: "annotator" } })).status()).toBe(201);
  await api.post(`/api/v1/projects/${p}/schemas`, {
    data: { name: "objects", labels: [{ name: "car", color: "#2ca02c", annotation_types: ["box"] }] },
  });
  await api.post(`/api/v1/projects/${p}/files`, {
    multipart: { files: { name: "queue.png", mimeType: "image/png", buffer: testImage(400, 300, 77) } },
  });

  // The admin creates the tasks from the Tasks tab.
  await adminPage.goto(`/projects/${p}/tasks`);
  await adminPage.getByRole("button", { name: "Create tasks" }).click();
  await expect(adminPage.getByText("1 created, 0 already had one.")).toBeVisible();

  const annotatorContext = await browser.newContext({ baseURL });
  const annie = await annotatorContext.newPage();
  await login(annie, email, "annotate all day");
  await annie.goto(`/projects/${p}/tasks`);
  await annie.getByRole("button", { name: "Start next task" }).click();
  await expect(annie.getByTestId("task-status")).toHaveText("in progress");
  await drawBox(annie, -150);
  await expect(annie.getByTestId("save-status")).toHaveText("1 unsaved change");
  await screenshot(annie, "12-task-annotating");
  await annie.getByRole("button", { name: "Submit" }).click(); // saves, then submits
  await expect(annie.getByText(/No more tasks are waiting for you/)).toBeVisible();

  // The admin reviews: sends it back with a comment.
  await adminPage.reload();
  await adminPage.getByRole("link", { name: /Review task #/ }).click();
  await expect(adminPage.getByTestId("task-status")).toHaveText("submitted");
  await expect(adminPage.getByTestId("shape-list").getByRole("button")).toHaveCount(1);
  await adminPage.getByRole("button", { name: "Request changes" }).click();
  await adminPage.getByLabel("What should change?").fill("Add the second car too");
  await screenshot(adminPage, "13-task-review");
  await adminPage.getByRole("button", { name: "Send back" }).click();
  await expect(adminPage).toHaveURL(/\/tasks$/);

  // The annotator gets the same task back with the comment, fixes it and submits again.
  await annie.getByRole("button", { name: "Start next task" }).click();
  await expect(annie.getByTestId("task-comment")).toContainText("Add the second car too");
  await expect(annie.getByTestId("shape-list").getByRole("button")).toHaveCount(1);
  await drawBox(annie, 60);
  await annie.getByRole("button", { name: "Submit" }).click();
  await expect(annie.getByText(/No more tasks are waiting for you/)).toBeVisible();

  // The admin approves.
  await adminPage.reload();
  await adminPage.getByRole("link", { name: /Review task #/ }).click();
  await expect(adminPage.getByTestId("shape-list").getByRole("button")).toHaveCount(2);
  await adminPage.getByRole("button", { name: "Approve" }).click();
  await expect(adminPage).toHaveURL(/\/tasks$/);
  const tasks = await (await api.get(`/api/v1/projects/${p}/tasks`)).json();
  expect(tasks.items.map((t: { status: string }) => t.status)).toEqual(["approved"]); // and no work claimed by the reviewer
  await screenshot(adminPage, "14-tasks-progress");
  await annotatorContext.close();
});
