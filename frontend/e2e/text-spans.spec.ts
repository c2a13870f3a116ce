/** Text span labelling: overlapping spans, offsets in code points (an emoji counts once), saved and reloaded. */
import type { Page } from "@playwright/test";
import { checkAccessibility, expect, login, screenshot, test } from "./fixtures";

const TEXT = "🙂 Ada Lovelace was born in London in 1815.\nShe wrote the first program.";

/** Select the n-th occurrence of `phrase` in the document, as a person dragging the mouse would. */
async function select(page: Page, phrase: string): Promise<void> {
  await page.getByTestId("text-doc").evaluate((doc, phrase) => {
    // Map the document's text to (node, offset) pairs, then make a DOM range over the phrase.
    const walker = document.createTreeWalker(doc, NodeFilter.SHOW_TEXT);
    const nodes: { node: Text; start: number }[] = [];
    let all = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      nodes.push({ node: n as Text, start: all.length });
      all += n.textContent;
    }
    const from = all.indexOf(phrase), to = from + phrase.length;
    const at = (i: number) => {
      const hit = [...nodes].reverse().find((x) => x.start <= i)!;
      return [hit.node, i - hit.start] as const;
    };
    const range = document.createRange();
    range.setStart(...at(from));
    range.setEnd(...at(to));
    const sel = window.getSelection()!;
    sel.removeAllRanges();
    sel.addRange(range);
    doc.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  }, phrase);
}

test("label overlapping text spans, save, reload", async ({ page }) => {
  await login(page);
  const project = await (await page.request.post("/api/v1/projects", { data: { name: "Biographies" } })).json();
  const p = project.id as number;
  await page.request.post(`/api/v1/projects/${p}/schemas`, {
    data: {
      name: "entities", labels: [
        { name: "person", color: "#1f77b4", annotation_types: ["span"] },
        { name: "place", color: "#ff7f0e", annotation_types: ["span"] },
        { name: "event", color: "#2ca02c", annotation_types: ["span"] },
      ],
    },
  });
  const upload = await (await page.request.post(`/api/v1/projects/${p}/files`, {
    multipart: { files: { name: "ada.txt", mimeType: "text/plain", buffer: Buffer.from(TEXT, "utf8") } },
  })).json();
  const fileId = upload.items[0].file.id as number;

  await page.goto(`/projects/${p}/files/${fileId}`);
  await page.getByRole("link", { name: "Annotate" }).click();
  await expect(page.getByTestId("text-doc")).toContainText("Ada Lovelace");

  await select(page, "Ada Lovelace"); // label 1 (person) is chosen by default
  await page.keyboard.press("2"); // place
  await select(page, "London ");      // the trailing space is trimmed
  await page.keyboard.press("3"); // event
  await select(page, "born in London in 1815"); // overlaps the place
  const list = page.getByTestId("shape-list");
  await expect(list.getByRole("button")).toHaveCount(3);
  await expect(list).toContainText("“London”");

  await page.keyboard.press("Control+z");
  await expect(list.getByRole("button")).toHaveCount(2);
  await page.keyboard.press("Control+Shift+z");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("save-status")).toHaveText("All changes saved");
  await screenshot(page, "15-text-spans");

  await page.reload();
  await expect(list.getByRole("button")).toHaveCount(3);
  await expect(list.locator('button[data-label="place"]')).toContainText("“London”");
  await checkAccessibility(page);

  // The server counts code points: the emoji before "Ada" is one character, not two.
  const res = await page.request.get(`/api/v1/projects/${p}/files/${fileId}/annotations`);
  const spans = ((await res.json()).items as { geometry: { start: number; end: number } }[])
    .map((a) => [a.geometry.start, a.geometry.end]).sort((x, y) => x[0]! - y[0]!);
  const cp = (s: string) => [...TEXT.slice(0, TEXT.indexOf(s))].length;
  expect(spans).toEqual([
    [cp("Ada"), cp("Ada") + 12],
    [cp("born"), cp("born") + "born in London in 1815".length],
    [cp("London"), cp("London") + 6],
  ]);
  expect(cp("Ada")).toBe(2);
});
