// The console by keyboard and in English, the dashboard's groupings and export, administration.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, PASSWORD, start } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function login(page, username) {
  await page.goto(env.base + "/");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#who").waitFor();
}

/** Presses Tab until the focused element matches `selector`; fails after `limit` presses. */
async function tabTo(page, selector, limit = 40) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`${selector} is not reachable with Tab`);
}

test("a shift leader works a case with the keyboard alone, then reads it in English", async () => {
  const page = await env.page();
  await page.goto(env.base + "/");
  await page.keyboard.type("shift_leader"); // the username field has the focus
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Enter");
  await page.locator("#who").waitFor();
  await tabTo(page, 'header nav a[href="#/cases"]');
  await page.keyboard.press("Enter");
  await page.locator("#case-list li a").first().waitFor();
  await tabTo(page, "#case-list li a");
  await page.keyboard.press("Enter");
  await page.locator("#case-detail .case-card").waitFor();
  await tabTo(page, "#case-actions button");
  await page.screenshot({ path: join(ARTIFACTS, "40-keyboard-workbench.png") });

  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "Timeline" }).waitFor();
  await page.getByRole("heading", { name: "Actions" }).waitFor();
  assert.ok(await page.getByRole("link", { name: "Case workbench" }).isVisible());
  await page.screenshot({ path: join(ARTIFACTS, "41-workbench-en.png") });
  await page.getByRole("button", { name: "中文" }).click();
  await page.getByRole("heading", { name: "办理过程" }).waitFor();
  assert.deepEqual(page.consoleErrors, []);
});

test("the dashboard groups by department and exports the figures", async () => {
  const page = await env.page();
  await login(page, "district_cdo");
  await page.getByRole("link", { name: "指标看板" }).click();
  await page.locator('[data-kpi="received"] .value').waitFor();
  await page.getByLabel("分组").selectOption("department");
  await page.getByRole("button", { name: "查询" }).click();
  await page.locator("table.kpis th", { hasText: "部门" }).waitFor();
  assert.ok(await page.locator("table.kpis tbody tr").count() >= 3);
  assert.match(await page.locator("table.kpis tbody").textContent(), /局/);
  // The chart draws one bar per department with a figure (on-time closing rate by default).
  const chart = page.getByRole("img", { name: "按期结案率 · 部门" });
  await chart.waitFor();
  assert.ok(await chart.locator("rect.bar").count() >= 3);
  // By 片区, and the chart of another figure.
  await page.getByLabel("分组").selectOption("area");
  await page.getByRole("button", { name: "查询" }).click();
  await page.locator("table.kpis th", { hasText: "片区" }).waitFor();
  await page.getByLabel("图表指标").selectOption("received");
  const received = page.getByRole("img", { name: "受理量 · 片区" });
  await received.waitFor();
  assert.equal(await received.locator("rect.bar").count(), Math.min(30, await page.locator("table.kpis tbody tr").count()));
  await page.screenshot({ path: join(ARTIFACTS, "41-dashboard-area-chart.png"), fullPage: true });
  await page.getByLabel("分组").selectOption("department");
  await page.getByRole("button", { name: "查询" }).click();
  await page.locator("table.kpis th", { hasText: "部门" }).waitFor();
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "导出 Excel" }).click(),
  ]);
  assert.match(file.suggestedFilename(), /^kpi-department-.*\.xlsx$/);
  await page.getByRole("link", { name: "本月" }).click();
  await page.locator('.presets a[aria-current="true"]', { hasText: "本月" }).waitFor();
  await page.locator('[data-kpi="received"] .value').waitFor();
  await page.locator("#problem-lists h3", { hasText: "急难愁盼" }).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "42-dashboard-department.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors, []);
});

test("the district CDO keeps the responsibility matrix and the working calendar", async () => {
  const page = await env.page();
  await login(page, "district_cdo");
  await page.getByRole("link", { name: "系统管理" }).click();
  await page.locator("#routing tbody tr").first().waitFor();
  assert.ok(await page.locator("#routing tbody tr").count() > 10);
  await page.locator("#calendar").getByText(/覆盖年份 \d{4}–\d{4}/).waitFor();

  // A holiday for next year.
  await page.getByLabel("日期").fill("2027-02-08");
  await page.getByLabel("说明").fill("春节");
  await page.locator("#calendar").getByRole("button", { name: "保存" }).click();
  await page.locator("#calendar .notice.ok", { hasText: "已保存 2027-02-08" }).waitFor();
  await page.locator("#calendar td", { hasText: "2027-02-08" }).waitFor();

  // A routing rule for one street; a wrong line is refused in words and changes nothing.
  const csv = page.getByLabel(/CSV，每行一条/);
  await csv.fill("kind,subclass_code,street_code,lead,assisting\nevent,0102,310104003,XH-NOPE,\n");
  await page.locator("#routing").getByRole("button", { name: "保存" }).click();
  await page.locator("#routing .error").filter({ hasText: /XH-NOPE/ }).waitFor();
  await csv.fill("kind,subclass_code,street_code,lead,assisting\nevent,0102,310104003,XH-LRJ,属地街镇\n");
  await page.locator("#routing").getByRole("button", { name: "保存" }).click();
  await page.locator("#routing .notice.ok", { hasText: "已保存：1 条规则" }).waitFor();
  await page.getByLabel("筛选").fill("310104003");
  await page.locator("#routing tbody tr", { hasText: "0102" }).first().waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "43-admin.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors.filter((e) => !e.includes("400")), []);
});

test("the administrator makes an account, which then logs in, and issues it an API key", async () => {
  const page = await env.page();
  await login(page, "admin");
  await page.getByRole("link", { name: "系统管理" }).click();
  await page.locator("#account-list tbody tr").first().waitFor();
  const accounts = page.locator("#accounts");
  // A password too short is refused in words, and nothing is made.
  await accounts.getByLabel("用户名").fill("grid_xujiahui_07");
  await accounts.getByLabel("显示名称").fill("徐家汇网格员七");
  await accounts.getByLabel("密码").fill("short");
  await accounts.getByLabel("网格员", { exact: true }).check();
  await accounts.getByLabel("所属部门或街镇").fill("310104003");
  await accounts.getByRole("button", { name: "创建账号" }).click();
  await accounts.locator(".error").filter({ hasText: /8/ }).waitFor();
  await accounts.getByLabel("密码").fill(PASSWORD);
  await accounts.getByRole("button", { name: "创建账号" }).click();
  await accounts.locator(".notice.ok", { hasText: "已创建账号 grid_xujiahui_07" }).waitFor();
  const row = accounts.locator('tr[data-username="grid_xujiahui_07"]');
  assert.match(await row.textContent(), /网格员/);
  await row.getByRole("button", { name: "发放 API 密钥" }).click();
  const issued = accounts.locator(".notice.ok", { hasText: "只显示这一次" });
  await issued.waitFor();
  const key = (await issued.textContent()).split("：").pop().trim();
  assert.ok(key.length >= 20, key);
  await page.screenshot({ path: join(ARTIFACTS, "44-accounts.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors.filter((e) => !e.includes("400")), []);
  // The new account logs in and sees its grid worker's work.
  const again = await env.page();
  await login(again, "grid_xujiahui_07");
  await again.locator("#my-work").waitFor();
});

test("a case shows the repeats merged into it, and a repeat the case it went into", async () => {
  const intake = await env.token("intake_operator");
  const buildings = await env.call("GET", "/api/v1/premises?prefix=" + encodeURIComponent("上海市徐汇区") + "&limit=200", { token: intake });
  // A building other than the journey's (the last one with a door number), so the two tests do not meet.
  const building = buildings.filter((p) => p.kind === "building" && /号$/.test(p.standard_address)).pop();
  const spoken = building.standard_address.replace("上海市徐汇区", "");
  const first = await env.call("POST", "/api/v1/cases", { token: intake, body: { text: `${spoken}楼下路灯不亮好几天了`, address: spoken } });
  const repeat = await env.call("POST", "/api/v1/cases", { token: intake, body: { text: `${spoken}路灯还是不亮`, address: spoken } });
  assert.equal(repeat.state, "merged");
  assert.equal(repeat.parent_id, first.id);
  const page = await env.page();
  await login(page, "shift_leader");
  await page.goto(`${env.base}/#/cases/${first.id}`);
  await page.locator("#case-repeats h3", { hasText: "并入此案的重复诉求：1 件" }).waitFor();
  await page.locator(`#case-repeats a[href="#/cases/${repeat.id}"]`).click();
  await page.locator(`#case-parent a[href="#/cases/${first.id}"]`).waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "45-merged-repeat.png") });
  assert.deepEqual(page.consoleErrors, []);
});

test("a page a role may not open says so", async () => {
  const page = await env.page();
  await login(page, "citizen");
  await page.goto(env.base + "/#/cases");
  await page.getByRole("alert").filter({ hasText: "您的角色无权使用此页面。" }).waitFor();
});

test("a session that ends is explained and leads back to the login", async () => {
  const page = await env.page();
  await login(page, "intake_operator");
  const token = await page.evaluate(() => sessionStorage.getItem("yiwang.token"));
  await env.call("POST", "/api/v1/auth/logout", { token });
  await page.getByRole("link", { name: "案件工作台" }).click();
  await page.locator("#login-error", { hasText: "登录已失效，请重新登录。" }).waitFor();
  await page.getByLabel("用户名").waitFor();
});

test("a case opens on the map at its place", async () => {
  const page = await env.page();
  await login(page, "shift_leader");
  await page.goto(env.base + "/#/cases?state=handling");
  await page.locator("#case-list li a").first().click();
  await page.locator("#case-on-map").click();
  await page.locator('#map[data-loaded="true"]').waitFor();
  const zoom = await page.evaluate(() => window.yiwangMap.getZoom());
  assert.ok(Math.abs(zoom - 17) < 0.01, `zoom ${zoom}`);
  assert.deepEqual(page.consoleErrors.filter((e) => !e.includes("401")), []);
});

test("a long queue is read page by page", async () => {
  const page = await env.page();
  await login(page, "shift_leader");
  await page.goto(env.base + "/#/cases");
  await page.locator(".pager", { hasText: /第 1–50 件，共 \d+ 件/ }).waitFor();
  const first = await page.locator("#case-list li a").first().textContent();
  await page.getByRole("link", { name: "下一页" }).click();
  await page.locator(".pager", { hasText: /第 51–100 件/ }).waitFor();
  assert.notEqual(await page.locator("#case-list li a").first().textContent(), first);
  await page.getByRole("link", { name: "上一页" }).click();
  await page.locator(".pager", { hasText: /第 1–50 件/ }).waitFor();
  assert.deepEqual(page.consoleErrors, []);
});
