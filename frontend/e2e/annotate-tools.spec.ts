/**
 * The image editor's other tools and pre-labels: polyline, keypoints, adding a vertex, undo/redo,
 * a score floor, accepting and rejecting pre-labels; after saving and reloading the server has it all.
 */
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";
import { testImage } from "./png";

const W = 320, H = 240;

async function setUp(api: APIRequestContext) {
  const project = await (await api.post("/api/v1/projects", { data: { name: "Tools" } })).json();
  const base = `/api/v1/projects/${project.id}`;
  const schema = await (await api.post(`${base}/schemas`, { data: { name: "street", labels: [
    { name: "car", color: "#1f77b4", annotation_types: ["box"] },
    { name: "lane", color: "#2ca02c", annotation_types: ["polyline"] },
    { name: "person", color: "#d62728", annotation_types: ["keypoints"], keypoint_names: ["head", "left_hand", "right_hand"] },
  ] } })).json();
  const upload = await (await api.post(`${base}/files`, {
    multipart: { files: { name: "tools.png", mimeType: "image/png", buffer: testImage(W, H, 21) } },
  })).json();
  const fileId: number = upload.items[0].file.id;
  const pre = async (x: number, score: number) => (await (await api.post(`${base}/files/${fileId}/annotations`, {
    data: { schema_id: schema.id, type: "box", label: "car", geometry: { x, y: 20, w: 60, h: 40 }, source: "model", model_name: "owlv2", score },
  })).json()).id as string;
  return { base, projectId: project.id as number, fileId, strong: await pre(20, 0.91), weak: await pre(200, 0.22) };
}

/** Screen position of an image point: the editor fits the image into the canvas with a 16 px margin. */
async function imagePoint(canvas: Locator, x: number, y: number): Promise<[number, number]> {
  const b = (await canvas.boundingBox())!;
  const s = Math.min((b.width - 32) / W, (b.height - 32) / H);
  return [b.x + (b.width - W * s) / 2 + x * s, b.y + (b.height - H * s) / 2 + y * s];
}

async function clickAt(page: Page, canvas: Locator, x: number, y: number, modifiers: ("Alt")[] = []) {
  const [sx, sy] = await imagePoint(canvas, x, y);
  for (const m of modifiers) await page.keyboard.down(m);
  await page.mouse.click(sx, sy);
  for (const m of modifiers) await page.keyboard.up(m);
  await page.waitForTimeout(450); // separate clicks, not a double click
}

test("polyline, keypoints, vertex edits, undo/redo and pre-labels; saved and reloaded", async ({ page }) => {
  await login(page);
  const { base, projectId, fileId, strong, weak } = await setUp(page.request);
  await page.goto(`/projects/${projectId}/files/${fileId}/annotate`);
  const canvas = page.getByTestId("annotation-canvas");
  const list = page.getByTestId("shape-list");
  const status = page.getByTestId("save-status");
  await expect(list.getByRole("button")).toHaveCount(2);
  await expect(list.getByText("pre-label 91%")).toBeVisible();

  // Pre-labels: a score floor hides the weak one; reject what is hidden; accept the strong one with A.
  const panel = page.getByRole("region", { name: /Pre-labels/ });
  await panel.getByLabel(/Hide below/).fill("50");
  await expect(panel.getByText("1 hidden under the floor")).toBeVisible();
  await screenshot(page, "23-prelabels");
  await panel.getByRole("button", { name: "Reject 1 hidden" }).click();
  await expect(list.getByRole("button")).toHaveCount(1);
  await list.getByRole("button").click();
  await expect(page.getByRole("group", { name: "Pre-label" })).toContainText("owlv2 (91%)");
  await canvas.focus();
  await page.keyboard.press("a");
  await expect(list.getByText("pre-label")).toHaveCount(0);
  await expect(page.getByText("Accepted from owlv2 (91%)")).toBeVisible();

  // Polyline: three clicks and Enter.
  await page.keyboard.press("l");
  await expect(page.getByRole("button", { name: /^Polyline/ })).toHaveAttribute("aria-pressed", "true");
  for (const [x, y] of [[40, 200], [160, 150], [280, 200]] as const) await clickAt(page, canvas, x, y);
  await page.keyboard.press("Enter");
  await expect(list.getByRole("button", { name: /polyline · lane 3 points/ })).toBeVisible();

  // Keypoints: the hint names each point; N marks one not visible.
  await page.keyboard.press("k");
  const hint = page.getByTestId("tool-hint");
  await expect(hint).toHaveText("Click the head (1 of 3); N: not visible");
  await clickAt(page, canvas, 150, 60);
  await expect(hint).toContainText("left_hand");
  await page.keyboard.press("n");
  await expect(hint).toContainText("right_hand");
  await clickAt(page, canvas, 180, 100);
  await expect(list.getByRole("button", { name: /keypoints · person 2\/3 visible/ })).toBeVisible();
  await expect(page.getByRole("list").filter({ hasText: "left_hand (not visible)" })).toBeVisible();

  // Alt+click on the selected polyline's edge adds a vertex; undo and redo it.
  await page.keyboard.press("v");
  await list.getByRole("button", { name: /polyline/ }).click();
  await clickAt(page, canvas, 100, 175, ["Alt"]);
  const polyline = list.getByRole("button", { name: /polyline · lane/ });
  await expect(polyline).toContainText("4 points");
  await page.keyboard.press("Control+z");
  await expect(polyline).toContainText("3 points");
  await page.keyboard.press("Control+Shift+z");
  await expect(polyline).toContainText("4 points");
  await screenshot(page, "24-annotate-tools");
  await checkAccessibility(page);

  await page.keyboard.press("Control+s");
  await expect(status).toHaveText("All changes saved");
  await page.reload();
  await expect(list.getByRole("button")).toHaveCount(3);
  await expect(polyline).toContainText("4 points");

  const rows = (await (await page.request.get(`${base}/files/${fileId}/annotations`)).json()).items as { id: string; type: string; source: string; geometry: { points: unknown[] } }[];
  expect(rows.map((r) => r.type).sort()).toEqual(["box", "keypoints", "polyline"]);
  expect(rows.find((r) => r.id === strong)?.source).toBe("human");
  expect(rows.find((r) => r.id === weak)).toBeUndefined();
  expect(rows.find((r) => r.type === "keypoints")?.geometry.points).toEqual([
    expect.objectContaining({ visible: true }), { x: 0, y: 0, visible: false }, expect.objectContaining({ visible: true })]);
});
