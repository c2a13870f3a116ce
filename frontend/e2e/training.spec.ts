/**
 * A training run as an admin sees it: a `train` step run by the embedded worker (the packaged
 * MiniLM, MLflow's local store) shows its curve per epoch, its metrics and a link to the MLflow
 * run (serve is started with GROUNDWORK_MLFLOW_UI_URL set, as a deployment with an MLflow UI is).
 */
import { expect, login, screenshot, test } from "./fixtures";

const TOPICS: Record<string, string[]> = {
  sports: ["the striker scored twice in the final", "a marathon runner broke the course record", "the goalkeeper saved a late penalty",
    "the team won the league on the last day", "she served an ace to win the tennis match", "the cyclist attacked on the final climb"],
  cooking: ["simmer the onions in butter until golden", "knead the dough and let it rise overnight", "season the soup with salt and pepper",
    "roast the vegetables in a hot oven", "whisk the eggs with sugar for the cake", "slice the garlic thinly and fry it gently"],
};

test("a training step shows its curve, its metrics and a link to its MLflow run", async ({ page }) => {
  test.setTimeout(180_000);
  await login(page);
  const p = (await (await page.request.post("/api/v1/projects", { data: { name: "Topics" } })).json()).id as number;
  const schema = await (await page.request.post(`/api/v1/projects/${p}/schemas`, {
    data: { name: "topics", labels: [
      { name: "sports", color: "#1f77b4", annotation_types: ["tag"] },
      { name: "cooking", color: "#ff7f0e", annotation_types: ["tag"] },
    ] },
  })).json();
  const texts = Object.entries(TOPICS).flatMap(([label, list]) => list.map((text) => ({ label, text })));
  const form = new FormData();
  for (const [i, t] of texts.entries()) form.append("files", new Blob([t.text], { type: "text/plain" }), `t${i}.txt`);
  const upload = await page.request.post(`/api/v1/projects/${p}/files`, { multipart: form });
  expect(upload.status()).toBe(201);
  const ids = ((await upload.json()).items as { file: { id: number; name: string } }[])
    .sort((a, b) => Number(a.file.name.slice(1, -4)) - Number(b.file.name.slice(1, -4))).map((x) => x.file.id);
  expect(ids).toHaveLength(texts.length);
  for (const [i, id] of ids.entries()) {
    const tagged = await page.request.post(`/api/v1/projects/${p}/files/${id}/annotations`,
      { data: { type: "tag", label: texts[i]!.label, schema_id: schema.id } });
    expect(tagged.status()).toBe(201);
  }
  const source = `name: learn topics
on:
  - manual: true
blocks:
  fit: {use: train, with: {epochs: 12, val_fraction: 0.25}}
workflow:
  model: [fit, in]
  out: model
`;
  const wf = await page.request.post(`/api/v1/projects/${p}/workflows`, { data: { source } });
  expect(wf.status(), await wf.text()).toBe(201);

  await page.goto(`/projects/${p}/workflows/${(await wf.json()).id}`);
  await page.getByRole("button", { name: "Run now" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 150_000 });
  const chart = page.getByTestId("training-chart-model");
  await expect(chart).toHaveAccessibleName(/over 12 epochs; at the end: train loss \d\.\d{3}, validation loss \d\.\d{3}, validation accuracy \d\.\d{3}/);
  await expect(chart.locator(".recharts-line")).toHaveCount(3);
  const link = page.getByTestId("step-model").getByRole("link", { name: /^[0-9a-f]{32}$/ });
  await expect(link).toHaveAttribute("href", /^http:\/\/127\.0\.0\.1:5000\/#\/experiments\/\d+\/runs\/[0-9a-f]{32}$/);
  await expect(page.getByTestId("step-model").getByRole("table", { name: "Metrics" })).toContainText("accuracy");
  await screenshot(page, "43-workflow-training");
});
