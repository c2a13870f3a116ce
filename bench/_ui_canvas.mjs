// The browser half of bench/ui_canvas.py: opens the annotation editor on an image with thousands of
// boxes in Debian's Chromium (playwright-core from frontend/node_modules), pans and zooms it with
// real input events, and prints the frame times it saw as one JSON object on stdout.
//
// Frame time = the interval between consecutive animation frames while the view is being moved:
// what a person sees. Draw time = how long the page's animation-frame callbacks ran in each frame
// (the editor draws in one), the work behind it.
import { createRequire } from "node:module";

const require = createRequire(new URL("../frontend/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const base = env("GW_URL");
const frames = Number(env("GW_FRAMES"));
const shapes = Number(env("GW_SHAPES"));
const log = (m) => process.stderr.write(`ui_canvas: ${m}\n`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Time every animation-frame callback, keyed by its frame; keep the original for our own ticker.
  await page.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    const gw = { raf, work: new Map(), ticks: [], ticking: false };
    window.__gw = gw;
    window.requestAnimationFrame = (cb) => raf((t) => {
      const start = performance.now();
      try {
        cb(t);
      } finally {
        gw.work.set(t, (gw.work.get(t) ?? 0) + performance.now() - start);
      }
    });
  });
  const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { email: env("GW_EMAIL"), password: env("GW_PASSWORD") } });
  if (!login.ok()) throw new Error(`login failed: ${login.status()} ${await login.text()}`);

  const url = `${base}/projects/${env("GW_PROJECT")}/files/${env("GW_FILE")}/annotate`;
  const opened = performance.now();
  await page.goto(url);
  await page.getByRole("heading", { name: `Annotations (${shapes})` }).waitFor({ timeout: 120_000 });
  // Opened = the shapes are in and the next two frames have been drawn.
  await page.evaluate(() => new Promise((ok) => window.__gw.raf(() => window.__gw.raf(ok))));
  const openMs = performance.now() - opened;
  log(`opened with ${shapes} shapes in ${Math.round(openMs)} ms`);

  const canvas = page.getByTestId("annotation-canvas");
  const box = await canvas.boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const start = () => page.evaluate(() => {
    const gw = window.__gw;
    gw.ticks = [];
    gw.work.clear();
    gw.ticking = true;
    const tick = (t) => {
      gw.ticks.push(t);
      if (gw.ticking) gw.raf(tick);
    };
    gw.raf(tick);
  });
  const stop = () => page.evaluate(() => {
    const gw = window.__gw;
    gw.ticking = false;
    const intervals = gw.ticks.slice(1).map((t, i) => t - gw.ticks[i]);
    return { intervals, work: [...gw.work.values()] };
  });

  // Zoom in a little first, so panning moves a view full of boxes.
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -120);
  await page.waitForTimeout(300);

  log(`panning for ${frames} moves`);
  await start();
  await page.mouse.down({ button: "middle" });
  for (let i = 0; i < frames; i++) {
    const a = (i / frames) * Math.PI * 4; // two circles
    await page.mouse.move(cx + Math.cos(a) * 300, cy + Math.sin(a) * 200);
  }
  await page.mouse.up({ button: "middle" });
  const pan = await stop();

  // Zoom from the whole image (every box in view) to about 3x and back, again and again.
  log(`zooming for ${frames} wheel steps`);
  await page.keyboard.press("0");
  await page.mouse.move(cx + 100, cy - 50);
  await page.waitForTimeout(300);
  await start();
  for (let i = 0; i < frames; i++) await page.mouse.wheel(0, i % 60 < 30 ? -20 : 20);
  const zoom = await stop();

  const drawn = await page.evaluate(() => document.querySelector("[data-testid=annotation-canvas]")?.getAttribute("aria-label"));
  process.stdout.write(JSON.stringify({ openMs, pan, zoom, drawn, userAgent: await browser.version() }) + "\n");
} finally {
  await browser.close();
}
