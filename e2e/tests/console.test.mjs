// The console's shell in a real browser: login, the overview in two languages, a wrong password, a citizen.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ARTIFACTS, PASSWORD, start } from "./harness.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function login(page, username, password = PASSWORD) {
  await page.goto(env.base + "/");
  await page.getByLabel("用户名").fill(username);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
}

test("an administrator logs in and sees the district overview in Chinese, then in English", async () => {
  const page = await env.page();
  await page.goto(env.base + "/");
  assert.equal(await page.title(), "一网 yiwang");
  await page.screenshot({ path: join(ARTIFACTS, "01-login.png") });
  await login(page, "admin");
  await page.locator('td[data-key="streets"]').waitFor();
  assert.equal(await page.locator('td[data-key="streets"]').textContent(), "13");
  assert.equal(await page.locator('td[data-key="areas"]').textContent(), "64");
  assert.equal(await page.locator('td[data-key="communities"]').textContent(), "312");
  await page.getByText("天平路街道").waitFor();
  assert.equal(await page.locator("#streets tbody tr").count(), 13);
  assert.match(await page.locator("#who").textContent(), /admin/);
  await page.screenshot({ path: join(ARTIFACTS, "02-overview-zh.png"), fullPage: true });

  await page.getByRole("button", { name: "English" }).click();
  await page.getByText("District overview").waitFor();
  await page.getByText("Communities").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "03-overview-en.png"), fullPage: true });
  await page.getByRole("button", { name: "中文" }).click();

  await page.getByRole("button", { name: "退出登录" }).click();
  await page.getByLabel("用户名").waitFor();
  assert.deepEqual(page.consoleErrors, []);
});

test("a wrong password is explained on the page", async () => {
  const page = await env.page();
  await login(page, "admin", "not-the-password");
  const alert = page.getByRole("alert").first();
  await alert.waitFor();
  await page.waitForFunction(() => document.getElementById("login-error").textContent.length > 0);
  assert.match(await page.locator("#login-error").textContent(), /wrong username or password/);
  await page.screenshot({ path: join(ARTIFACTS, "04-wrong-password.png") });
});

test("a citizen is told the overview is not for their role but still sees the streets", async () => {
  const page = await env.page();
  await login(page, "citizen");
  await page.getByText("您的角色无权查看全区概况。").waitFor();
  await page.getByText("徐家汇街道").waitFor();
  assert.equal(await page.locator('td[data-key="persons"]').count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, "05-citizen.png"), fullPage: true });
  assert.deepEqual(page.consoleErrors.filter((e) => !e.includes("403")), []);
});
