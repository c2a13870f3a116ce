/** Start `groundwork serve` (SQLite in a temp dir, free port) for the tests; stop it afterwards. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? ok(addr.port) : fail(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, ms: number, alive: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive()) throw new Error("groundwork serve exited early");
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dist = resolve(here, "..", "dist", "index.html");
  if (!existsSync(dist)) throw new Error("frontend/dist is not built: run `npm run build` first");
  const groundwork = process.env.GROUNDWORK_BIN ?? join(repo, ".venv", "bin", "groundwork");
  const dataDir = mkdtempSync(join(tmpdir(), "gw-e2e-"));
  const port = await freePort();
  const log: string[] = [];
  const server = spawn(groundwork, ["serve"], {
    cwd: repo,
    env: {
      ...process.env, GROUNDWORK_PORT: String(port), GROUNDWORK_HOST: "127.0.0.1", GROUNDWORK_DATA_DIR: dataDir,
      GROUNDWORK_DATABASE_URL: "", GROUNDWORK_ENV: "development", GROUNDWORK_LOGIN_RATE_LIMIT: "1000/minute",
      GROUNDWORK_MLFLOW_UI_URL: "http://127.0.0.1:5000", // links only: no MLflow UI runs in the tests
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let exited = false;
  server.on("exit", () => (exited = true));
  server.stdout.on("data", (b: Buffer) => log.push(b.toString()));
  server.stderr.on("data", (b: Buffer) => log.push(b.toString()));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/v1/health`, 60_000, () => !exited);
  } catch (err) {
    server.kill("SIGKILL");
    throw new Error(`${String(err)}\n--- server output ---\n${log.join("")}`, { cause: err });
  }
  process.env.GW_BASE_URL = base;
  // For tests that need the CLI against the same instance (e.g. a service token).
  process.env.GW_GROUNDWORK = groundwork;
  process.env.GW_DATA_DIR = dataDir;
  process.env.GW_ADMIN_EMAIL = "admin@localhost";
  process.env.GW_ADMIN_PASSWORD = readFileSync(join(dataDir, "admin-password.txt"), "utf8").trim();
  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    if (!exited) server.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
}
