/**
 * The workflow builder end to end: build a two-block workflow on the canvas (palette, config form
 * from the block's JSON Schema, edges as value flow), see a problem on its node, save, run it and
 * watch the steps succeed (the embedded worker of `groundwork serve` runs them); edit the YAML and
 * see the canvas follow; save a new version.
 */
import type { Locator, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

async function link(page: Page, from: Locator, to: Locator) {
  const a = (await from.boundingBox())!, b = (await to.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

test("build a two-block workflow on the canvas, save it, run it, see the run succeed", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page);
  const project = await (await page.request.post("/api/v1/projects", { data: { name: "Flows" } })).json();
  const form = new FormData();
  for (let i = 0; i < 2; i++) form.append("files", new Blob([new Uint8Array(testImage(40, 30, 900 + i))], { type: "image/png" }), `w${i}.png`);
  expect((await page.request.post(`/api/v1/projects/${project.id}/files`, { multipart: form })).status()).toBe(201);
  // The embedded worker registers the built-in blocks when serve starts.
  await expect.poll(async () => (await (await page.request.get("/api/v1/blocks")).json()).length, { timeout: 60_000 }).toBeGreaterThan(1);

  await page.goto(`/projects/${project.id}/workflows`);
  await page.getByRole("link", { name: "New workflow" }).click();
  const yaml = page.getByRole("textbox", { name: "Workflow definition (YAML)" });
  await expect(yaml).toHaveValue(/name: new workflow/);

  await page.getByLabel("Name", { exact: true }).fill("images to jsonl");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "images to jsonl" })).toBeVisible();

  // Two blocks from the palette; the route's config form comes from its JSON Schema.
  await page.getByRole("button", { name: "Add Route by query" }).click();
  const query = page.getByRole("textbox", { name: /Query/ });
  await query.fill("file.kind = 'image'");
  await expect(yaml).toHaveValue(/route: \{ use: route, with: \{ query: file\.kind = 'image' \} \}/);
  await page.getByRole("button", { name: "Add Export" }).click();
  await page.getByLabel("Value name").fill("out");
  await page.getByRole("button", { name: "Rename", exact: true }).click();
  await expect(page.getByTestId("node-out")).toBeVisible();

  // Edges: the trigger into the route, the route's matched files into the export.
  await link(page, page.getByTestId("node-in").locator(".react-flow__handle.source"), page.getByTestId("node-route").locator(".react-flow__handle.target").first());
  await expect(yaml).toHaveValue(/route: \[ route, in \]/);
  // Not yet connected: the server's check lands on the node that is missing its input.
  await expect(page.getByTestId("node-out")).toHaveAccessibleName(/1 problem/);
  await expect(page.getByRole("list", { name: "Problems of out" })).toContainText("takes 1 argument");
  await screenshot(page, "40-workflow-problem-on-node");
  await link(page, page.getByTestId("node-route").locator('.react-flow__handle.source[data-handleid="matched"]'), page.getByTestId("node-out").locator(".react-flow__handle.target").first());
  await expect(yaml).toHaveValue(/out: \[ export, route\.matched \]/);
  await expect(page.getByText("Valid.")).toBeVisible();
  await expect(page.getByTestId("node-out")).not.toHaveAccessibleName(/problem/);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("builder-status")).toHaveText("Saved as version 1");
  await expect(page).toHaveURL(/\/workflows\/\d+$/);
  await screenshot(page, "41-workflow-builder");
  await checkAccessibility(page);

  // Run it on the images and watch the steps succeed.
  await page.getByRole("textbox", { name: /Run on files matching/ }).fill("file.kind = 'image'");
  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByRole("tab", { name: "Runs" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 60_000 });
  await expect(page.getByTestId("step-route")).toContainText("matched: 2 item(s)");
  await expect(page.getByTestId("step-out")).toContainText("succeeded");
  await expect(page.getByTestId("node-out")).toHaveAccessibleName(/step succeeded/);
  // A report a step stored (as a block does, with a service token) is listed with its step.
  const token = execFileSync(process.env.GW_GROUNDWORK!, ["tokens", "create", "--service", "e2e-reports"], {
    env: { ...process.env, GROUNDWORK_DATA_DIR: process.env.GW_DATA_DIR, GROUNDWORK_DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "ignore"], // the secret alone is on stdout; the notice on stderr is not ours to print
  }).toString().trim();
  const runId = Number((await page.getByRole("article").getAttribute("aria-label"))!.replace("Run ", ""));
  const stored = await page.request.put(`/api/v1/service/workflow-runs/${runId}/artifacts/out/report.html`, {
    headers: { Authorization: `Bearer ${token}` },
    multipart: { file: { name: "report.html", mimeType: "text/html", buffer: Buffer.from("<h1>data checks</h1>") } },
  });
  expect(stored.status()).toBe(200);
  const runButton = page.getByRole("list", { name: "Runs, newest first" }).getByRole("button").first();
  await runButton.click(); // stop watching, then watch again: the files are read afresh
  await runButton.click();
  await expect(page.getByRole("list", { name: "Files of out" }).getByRole("link", { name: "report.html" })).toBeVisible();
  await screenshot(page, "42-workflow-run");

  // The YAML beside the canvas: a text edit shows on the canvas and in the form, and saves as version 2.
  await page.getByRole("tab", { name: /YAML/ }).click();
  const text = await yaml.inputValue();
  await yaml.fill(text.replace("export: { use: export }", "export: { use: export, with: { format: coco, schema: objects } }")
    .replace("route: [ route, in ]", "route: [ route, in ] # images only"));
  await page.getByTestId("node-out").click();
  await expect(page.getByRole("textbox", { name: /Format/ })).toHaveValue("coco");
  await page.getByRole("textbox", { name: /Format/ }).fill("jsonl");
  await expect(yaml).toHaveValue(/# images only/); // the form's edit kept the comment
  await expect(yaml).not.toHaveValue(/coco/);
  await page.getByRole("button", { name: "Save new version" }).click();
  await expect(page.getByTestId("builder-status")).toHaveText("Saved as version 2");

  // Where a node is put is kept with the workflow (no new version) and comes back after a reload.
  // Positions are compared in units of the (unmoved) distance from `in` to `route`: the view fits the
  // nodes again on load, so the zoom may differ.
  const placed = async () => {
    const [a, r, b] = await Promise.all(["node-in", "node-route", "node-out"].map(async (id) => (await page.getByTestId(id).boundingBox())!));
    const unit = r!.x - a!.x;
    return { x: (b!.x - a!.x) / unit, y: (b!.y - a!.y) / unit };
  };
  const before = await placed();
  const box = (await page.getByTestId("node-out").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 8);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + 8 + 90, { steps: 8 });
  await page.mouse.up();
  await expect(page.getByTestId("builder-status")).toHaveText("Layout not saved");
  const moved = await placed();
  expect(Math.abs(moved.y - before.y)).toBeGreaterThan(0.2);
  await page.getByRole("button", { name: "Save layout" }).click();
  await expect(page.getByTestId("builder-status")).toHaveText("Saved as version 2");
  await page.reload();
  await expect(page.getByTestId("node-out")).toBeVisible();
  await expect(page.getByTestId("builder-status")).toHaveText("Saved as version 2");
  const after = await placed();
  expect(Math.abs(after.x - moved.x)).toBeLessThan(0.02);
  expect(Math.abs(after.y - moved.y)).toBeLessThan(0.02);
});
