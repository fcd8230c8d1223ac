// Starts a yiwang server on a freshly generated twin and a headless Debian Chromium.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createServer } from "node:net";
import { chromium } from "playwright-core";

export const PASSWORD = "e2e-demo-password";
const ROOT = resolve(import.meta.dirname, "..", "..");
const BIN = process.env.YIWANG_BIN || join(ROOT, "target", "debug", "yiwang");
const CHROMIUM = process.env.YIWANG_CHROMIUM || "/usr/bin/chromium";
export const ARTIFACTS = join(ROOT, "test-results", "e2e");

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", fail);
  });
}

async function waitForHealth(base, child, log) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`yiwang exited early (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`yiwang did not become healthy:\n${log()}`);
}

/** A served twin plus a browser; call `close()` when done. */
export async function start() {
  const dir = mkdtempSync(join(tmpdir(), "yiwang-e2e-"));
  const db = join(dir, "y.db");
  const generated = spawnSync(BIN, ["demo", "--scale", "0.003", "--seed", "5", "--db", db, "--no-serve",
    "--demo-password", PASSWORD], { encoding: "utf8" });
  if (generated.status !== 0) throw new Error(`cannot generate the twin with ${BIN}: ${generated.stderr}`);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(BIN, ["serve", "--db", db, "--port", String(port)], { env: { ...process.env, YIWANG_LOG: "warn" } });
  child.stderr.on("data", (d) => { output += d; });
  await waitForHealth(base, child, () => output);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run"],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  /** Calls the API directly (for set-up only: journeys go through the console). */
  async function call(method, path, { token, body } = {}) {
    const response = await fetch(base + path, {
      method,
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return json;
  }
  return {
    base,
    browser,
    call,
    async token(username, password = PASSWORD) {
      return (await call("POST", "/api/v1/auth/login", { body: { username, password } })).token;
    },
    async page() {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      page.consoleErrors = [];
      page.on("console", (m) => { if (m.type() === "error") page.consoleErrors.push(m.text()); });
      page.on("pageerror", (e) => page.consoleErrors.push(String(e)));
      return page;
    },
    async close() {
      await browser.close();
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
