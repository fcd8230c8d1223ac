// The whole case loop through the console, in a real browser, on a freshly generated twin:
// 受理员 takes a hotline call by typing an address and sees where it is routed; the 值班长 files
// it; the 派遣员 dispatches it (the server's responsibility matrix decides the department); that
// department's handler signs for it, handles it and reports back; the 值班长 checks and closes
// it; the 受理员 records the 回访; the dashboard's figure changes. A screenshot per step.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, PASSWORD, start } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

let step = 10;
async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${String(step++).padStart(2, "0")}-journey-${name}.png`), fullPage: true });
}

async function login(page, username) {
  await page.goto(env.base + "/");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#who").waitFor();
}

async function logout(page) {
  await page.getByRole("button", { name: "退出登录" }).click();
  await page.getByLabel("用户名").waitFor();
}

/** Takes an action from the case page; fills its form when it has one; waits for the result. */
async function act(page, name, fill = async () => {}) {
  await page.locator("#case-actions").getByRole("button", { name, exact: true }).click();
  const confirm = page.getByRole("button", { name: `确认${name}` });
  if (await confirm.isVisible().catch(() => false)) {
    await fill();
    await confirm.click();
  }
  await page.locator(".notice.ok", { hasText: `已完成：${name}` }).waitFor();
}

async function closedFigure(page) {
  await page.goto(env.base + "/#/dashboard");
  const value = page.locator('[data-kpi="closed"] .value');
  await value.waitFor();
  return Number(await value.textContent());
}

/** The 岗位评价 table's count of `action` steps (0 when the post has no row yet). */
async function postSteps(page, action) {
  await page.locator("#post-table table, #post-table p").first().waitFor();
  const cell = page.locator(`#post-table tr[data-action="${action}"] [data-figure="count"]`);
  return (await cell.count()) === 0 ? 0 : Number(await cell.textContent());
}

test("a hotline case goes round the whole loop through the console", async () => {
  // A building of the twin, and how a caller would say its address (without 上海市徐汇区).
  const admin = await env.token("admin");
  const buildings = await env.call("GET", "/api/v1/premises?prefix=" + encodeURIComponent("上海市徐汇区") + "&limit=200", { token: admin });
  const building = buildings.find((p) => p.kind === "building" && /号$/.test(p.standard_address));
  assert.ok(building, "the twin has a building");
  const spoken = building.standard_address.replace("上海市徐汇区", "");

  const page = await env.page();

  // The district CDO notes the dashboard's closed count first.
  await login(page, "district_cdo");
  const closedBefore = await closedFigure(page);
  const dispatchesBefore = await postSteps(page, "dispatch");
  await shot(page, "dashboard-before");
  await logout(page);

  // 受理员: types the address, picks the suggestion (confidence shown), takes the case.
  await login(page, "intake_operator");
  await page.getByRole("link", { name: "热线受理" }).click();
  const address = page.getByLabel("地址");
  await address.fill(spoken);
  await page.getByRole("option").first().waitFor();
  assert.match(await page.getByRole("option").first().textContent(), /匹配度 \d+%/);
  await address.press("ArrowDown");
  await address.press("Enter");
  assert.match(await page.locator("#address-confidence").textContent(), /匹配度 \d+%/);
  const complaint = `${spoken}门口垃圾堆了好几天没人清，气味很大`;
  await page.getByLabel("诉求内容").fill(complaint);
  // Before the case is taken: the category the text suggests and where it would be routed.
  await page.locator("#preview-route").filter({ hasText: /XH-/ }).waitFor();
  assert.match(await page.locator("#preview-category").textContent(), /\(\d{4}\) · \d+%/);
  await page.getByLabel("来电人姓名").fill("王小明");
  await page.getByLabel("来电号码").fill("13812345678");
  await shot(page, "intake-form");
  await page.getByRole("button", { name: "登记案件" }).click();
  await page.locator(".intake-result").waitFor();
  const caseId = await page.locator(".intake-result").getAttribute("data-case-id");
  const department = await page.locator("#intake-route").getAttribute("data-code");
  assert.match(department, /^XH-[A-Z]+$/, `routed by the responsibility matrix, got ${department}`);
  assert.ok((await page.locator("#intake-route").textContent()).includes(department));
  await shot(page, "intake-routed");

  // The same call again is flagged as a repeat before it is taken.
  await address.fill(spoken);
  await page.getByRole("option").first().waitFor();
  await address.press("ArrowDown");
  await address.press("Enter");
  await page.getByLabel("诉求内容").fill(complaint);
  await page.locator("#intake-preview").getByText(`疑似重复：与在办案件 ${caseId}`).waitFor();
  await shot(page, "intake-duplicate-warning");
  await page.getByRole("link", { name: "打开案件" }).click();
  await page.locator("#case-state", { hasText: "待受理" }).waitFor();
  await act(page, "受理");
  assert.equal(await page.locator("#case-state").textContent(), "待立案");
  await shot(page, "accepted");
  await logout(page);

  // 值班长 finds it by words of its text (the search index takes new cases within seconds) and files it.
  await login(page, "shift_leader");
  await page.goto(`${env.base}/#/cases`);
  await page.getByLabel("案件内容").fill("垃圾 气味");
  await page.getByRole("button", { name: "筛选" }).click();
  const found = page.locator(`#case-list a[href^="#/cases/${caseId}?"]`);
  for (let tries = 0; !(await found.count()) && tries < 10; tries++) {
    await page.waitForTimeout(1000);
    await page.getByRole("button", { name: "筛选" }).click();
  }
  await found.click();
  await shot(page, "found-by-words");
  await act(page, "立案");
  await logout(page);

  // 派遣员 dispatches it; with no department typed the responsibility matrix decides.
  await login(page, "dispatcher");
  await page.goto(`${env.base}/#/cases?state=filed`);
  await page.locator(`#case-list a[href="#/cases/${caseId}?state=filed"]`).click();
  await act(page, "派遣");
  assert.equal(await page.locator("#case-department").getAttribute("data-code"), department);
  await page.locator(".notice.ok", { hasText: `派往` }).filter({ hasText: department }).waitFor();
  await shot(page, "dispatched");
  await logout(page);

  // That department's handler (an account the administrator made for it) signs, handles, reports.
  const handler = `handler_${department.slice(3).toLowerCase()}`;
  await env.call("POST", "/api/v1/accounts", {
    token: admin,
    body: { username: handler, password: PASSWORD, roles: ["department_handler"], org_code: department, display_name: "部门处置员" },
  });
  await login(page, handler);
  const waiting = page.locator('.count[data-state="dispatched"]');
  await waiting.filter({ hasText: /件/ }).waitFor();
  assert.ok(Number((await waiting.textContent()).match(/\d+/)[0]) >= 1, "the case waits in the handler's queue");
  await shot(page, "handler-home");
  await page.getByRole("link", { name: /待签收/ }).click();
  await page.locator(`#case-list a[href="#/cases/${caseId}?state=dispatched"]`).click();
  await act(page, "签收");
  await act(page, "处置", () => page.getByLabel("备注").fill("已联系来电人，安排保洁上门"));
  await act(page, "反馈", () => page.getByLabel(/答复内容/).fill("已安排保洁清运，现场已清理干净"));
  assert.equal(await page.locator("#case-state").textContent(), "待核查");
  await shot(page, "reported");
  await logout(page);

  // 值班长 checks and closes.
  await login(page, "shift_leader");
  await page.goto(`${env.base}/#/cases/${caseId}`);
  await act(page, "核查");
  await act(page, "结案");
  assert.equal(await page.locator("#case-state").textContent(), "已结案");
  await logout(page);

  // 受理员 finds it in the 待回访 queue of the home page and records the 回访.
  await login(page, "intake_operator");
  const toRevisit = page.locator('.count[data-state="awaiting_revisit"]');
  await toRevisit.filter({ hasText: /件/ }).waitFor();
  assert.ok(Number((await toRevisit.textContent()).match(/\d+/)[0]) >= 1, "the case waits for its 回访");
  await page.getByRole("link", { name: /待回访/ }).click();
  await page.locator(`#case-list a[href="#/cases/${caseId}?state=awaiting_revisit"]`).click();
  await act(page, "回访", () => page.getByLabel("来电人满意度").selectOption("satisfied"));
  const steps = await page.locator("#timeline li").evaluateAll((items) => items.map((li) => li.dataset.action));
  assert.deepEqual(steps, ["receive", "accept", "file", "dispatch", "sign", "handle", "report", "check", "close", "revisit"]);
  assert.match(await page.locator(".case-card").textContent(), /满意/);
  await shot(page, "revisited");
  await logout(page);

  // The dashboard's closed count went up by this case.
  await login(page, "district_cdo");
  const closedAfter = await closedFigure(page);
  assert.equal(closedAfter, closedBefore + 1);
  // 岗位评价 counts the 派遣员's dispatch of it.
  assert.equal(await postSteps(page, "dispatch"), dispatchesBefore + 1);
  await shot(page, "dashboard-after");
  assert.deepEqual(page.consoleErrors, []);
});

test("an action without the input it needs is explained in words", async () => {
  const page = await env.page();
  await login(page, "intake_operator");
  await page.getByRole("link", { name: "案件工作台" }).click();
  await page.locator("#case-list li a").first().click();
  await page.locator("#case-actions button").first().waitFor();
  const comment = page.locator("#case-actions").getByRole("button", { name: "备注", exact: true });
  await comment.click();
  await page.getByRole("button", { name: "确认备注" }).click();
  await page.getByRole("alert").filter({ hasText: "缺少必要的信息：备注" }).waitFor();
  await shot(page, "missing-input");
  assert.deepEqual(page.consoleErrors, []);
});
