// Measures the console's first map paint in Debian's Chromium against a running `yiwang serve`:
//   node e2e/first_paint.mjs http://127.0.0.1:8080 USERNAME PASSWORD [RUNS]
// Each run is a fresh browser context (empty cache) that logs in, opens #/map and reloads it; it
// prints the time from navigation start to MapLibre's `load` event and to all visible tiles.
import { chromium } from "playwright-core";

const [base, username, password, runs = "3"] = process.argv.slice(2);
if (!base || !username || !password) {
  console.error("usage: node e2e/first_paint.mjs URL USERNAME PASSWORD [RUNS]");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.YIWANG_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run"],
});
for (let run = 1; run <= Number(runs); run++) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(base + "/");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#who").waitFor();
  await page.goto(base + "/#/map");
  await page.reload();
  await page.locator('#map[data-loaded="true"]').waitFor({ timeout: 60_000 });
  const load = await page.evaluate(() => window.yiwangFirstPaintMs);
  await page.waitForFunction(() => window.yiwangMap?.areTilesLoaded(), null, { timeout: 60_000 });
  const tiles = await page.evaluate(() => performance.now());
  console.log(`run ${run}: map load event ${Math.round(load)} ms, all tiles ${Math.round(tiles)} ms${errors.length ? `, errors: ${errors.join("; ")}` : ""}`);
  await context.close();
}
await browser.close();
