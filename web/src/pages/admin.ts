// Administration: the responsibility matrix (GET/POST /api/v1/routing), the working calendar
// (GET /api/v1/calendar, POST /api/v1/calendar/days) and the accounts (GET/POST /api/v1/accounts,
// POST /api/v1/accounts/{id}/api-keys). Edits are sent as the API takes them; every line the
// server refuses is shown as it words it, and nothing changes then.

import { api, problemText } from "../api";
import { clear, h, notice, type Child } from "../dom";
import { lang, t } from "../i18n";
import { ALL_ROLES, roleName } from "../roles";
import { departmentLabel } from "../departments";
import type { Ctx } from "../main";

interface Rule { kind: string; subclass_code: string; street_code: string | null; lead: string; assisting: string[] }
interface Calendar { years_covered: [number, number]; district_days: Day[] }
interface Day { date: string; kind: string; note: string | null }

const ROUTING_HEADER = "kind,subclass_code,street_code,lead,assisting";

interface Account { id: number; username: string; display_name: string; org_code: string | null; disabled: boolean; roles: string[] }

export function renderAdmin(root: HTMLElement, ctx: Ctx): void {
  const can = (p: string) => ctx.me.permissions.includes(p);
  const canEdit = can("manage_reference_data");
  const routing = h("section", { className: "card", id: "routing" });
  const calendar = h("section", { className: "card", id: "calendar" });
  root.append(h("div", { className: "two-columns" }, routing, calendar));
  showRouting(routing, canEdit);
  showCalendar(calendar, canEdit);
  if (can("manage_accounts")) {
    const accounts = h("section", { className: "card", id: "accounts" });
    root.append(accounts);
    showAccounts(accounts);
  }
}

function showAccounts(section: HTMLElement, result?: HTMLElement): void {
  clear(section, h("h2", {}, t("accounts")), result ?? null, t("loading"));
  api<Account[]>("/api/v1/accounts")
    .then((accounts) => {
      const language = lang();
      const rows = accounts.map((a) => {
        const issue = h("button", {
          type: "button",
          dataset: { account: a.username },
          onclick: async () => {
            try {
              const key = await api<{ key: string; prefix: string }>(`/api/v1/accounts/${a.id}/api-keys`, {
                body: { label: t("apiKeyLabel") },
              });
              showAccounts(section, notice(t("apiKeyIssued", { user: a.username, key: key.key }), "ok"));
            } catch (err) {
              showAccounts(section, notice(problemText(err), "error"));
            }
          },
        }, t("issueApiKey"));
        return h("tr", { dataset: { username: a.username } },
          h("td", {}, a.username), h("td", {}, a.display_name),
          h("td", {}, a.roles.map((r) => roleName(r, language)).join("、")),
          h("td", {}, a.org_code ?? ""), h("td", {}, a.disabled ? t("accountDisabled") : t("accountActive")),
          h("td", {}, a.disabled ? null : issue));
      });
      clear(section, h("h2", {}, t("accounts")), result ?? null,
        h("div", { className: "scroll" }, h("table", { id: "account-list" },
          h("thead", {}, h("tr", {}, h("th", {}, t("username")), h("th", {}, t("displayName")), h("th", {}, t("roles")),
            h("th", {}, t("orgCode")), h("th", {}, t("state")), h("th", {}, ""))),
          h("tbody", {}, rows))),
        accountForm(section));
    })
    .catch((e) => clear(section, h("h2", {}, t("accounts")), notice(problemText(e), "error")));
}

function accountForm(section: HTMLElement): HTMLElement {
  const username = h("input", { id: "account-username", required: true, autocomplete: "off" });
  const display = h("input", { id: "account-display" });
  const password = h("input", { id: "account-password", type: "password", required: true, autocomplete: "new-password" });
  const org = h("input", { id: "account-org", placeholder: "XH-CGJ / 310104003" });
  const language = lang();
  const boxes = ALL_ROLES.map((r) => h("input", { type: "checkbox", value: r, id: `account-role-${r}` }));
  return sendingForm(async () => {
    const created = await api<Account>("/api/v1/accounts", {
      body: {
        username: username.value.trim(),
        display_name: display.value.trim() || null,
        password: password.value,
        roles: boxes.filter((b) => b.checked).map((b) => b.value),
        org_code: org.value.trim() || null,
      },
    });
    showAccounts(section, notice(t("accountCreated", { user: created.username }), "ok"));
  },
  h("h4", {}, t("newAccount")),
  h("div", { className: "row" },
    field("account-username", t("username"), username), field("account-display", t("displayName"), display),
    field("account-password", t("password"), password), field("account-org", t("orgCode"), org)),
  h("fieldset", { className: "roles" }, h("legend", {}, t("roles")),
    boxes.map((b) => h("label", { className: "check" }, b, roleName(b.value, language)))),
  h("button", { type: "submit", className: "primary" }, t("createAccount")));
}

function showRouting(section: HTMLElement, canEdit: boolean, result?: HTMLElement): void {
  clear(section, h("h2", {}, t("routingMatrix")), result ?? null, t("loading"));
  api<Rule[] | { rules: Rule[] }>("/api/v1/routing")
    .then((answer) => {
      const rules = Array.isArray(answer) ? answer : answer.rules ?? [];
      const body = h("tbody");
      const filter = h("input", { id: "routing-filter", type: "search", placeholder: "0102 / XH-LRJ / 310104003" });
      const draw = () => {
        const q = filter.value.trim();
        clear(body, rules
          .filter((r) => !q || [r.kind, r.subclass_code, r.street_code ?? "", r.lead, ...r.assisting].some((v) => v.includes(q)))
          .slice(0, 300)
          .map((r) => h("tr", {}, h("td", {}, r.kind === "event" || r.kind === "component" ? t(`kind.${r.kind}`) : r.kind), h("td", {}, r.subclass_code), h("td", {}, r.street_code ?? "*"),
            h("td", {}, departmentLabel(r.lead)), h("td", {}, r.assisting.map(departmentLabel).join("、")))));
      };
      filter.addEventListener("input", draw);
      draw();
      clear(section, h("h2", {}, t("routingMatrix")), result ?? null,
        h("p", { className: "muted" }, t("totalRules", { n: rules.length })),
        h("label", { for: "routing-filter" }, t("filter")), filter,
        h("div", { className: "scroll" }, h("table", {},
          h("thead", {}, h("tr", {}, h("th", {}, t("kind")), h("th", {}, t("subclass")), h("th", {}, t("street")), h("th", {}, t("lead")), h("th", {}, t("assisting")))),
          body)),
        canEdit ? routingForm(section) : null);
    })
    .catch((e) => clear(section, h("h2", {}, t("routingMatrix")), notice(problemText(e), "error")));
}

function routingForm(section: HTMLElement): HTMLElement {
  const csv = h("textarea", { id: "routing-csv", rows: 4, spellcheck: "false" });
  csv.value = `${ROUTING_HEADER}\n`;
  return sendingForm(async () => {
    const done = await api<{ changed: number }>("/api/v1/routing", { body: { csv: csv.value } });
    showRouting(section, true, notice(t("rulesChanged", { n: done.changed }), "ok"));
  },
  h("h4", {}, t("editRouting")),
  h("label", { for: "routing-csv" }, t("routingCsvHelp")), csv,
  h("button", { type: "submit", className: "primary" }, t("save")));
}

/** A form that runs `send` on submit and shows a refusal, in the server's words, under it. */
function sendingForm(send: () => Promise<void>, ...children: Child[]): HTMLElement {
  const error = h("div", { className: "error", role: "alert" });
  return h("form", {
    className: "action-form",
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.textContent = "";
      try {
        await send();
      } catch (err) {
        error.textContent = problemText(err);
      }
    },
  }, ...children, error);
}

/** A labelled input in a form row. */
function field(id: string, label: string, input: HTMLElement): HTMLElement {
  return h("div", {}, h("label", { for: id }, label), input);
}

function showCalendar(section: HTMLElement, canEdit: boolean, result?: HTMLElement): void {
  clear(section, h("h2", {}, t("calendar")), result ?? null, t("loading"));
  api<Calendar>("/api/v1/calendar")
    .then((cal) => drawCalendar(section, cal, canEdit, result))
    .catch((e) => clear(section, h("h2", {}, t("calendar")), notice(problemText(e), "error")));
}

function drawCalendar(section: HTMLElement, cal: Calendar, canEdit: boolean, result?: HTMLElement): void {
  const kindName = (k: string) => t(k === "holiday" ? "dayHoliday" : "dayWorkday");
  clear(section, h("h2", {}, t("calendar")), result ?? null,
    h("p", {}, t("yearsCovered", { a: cal.years_covered[0], b: cal.years_covered[1] })),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("date")), h("th", {}, t("kind")), h("th", {}, t("note")))),
      h("tbody", {}, cal.district_days.map((d) => h("tr", {}, h("td", {}, d.date), h("td", {}, kindName(d.kind)), h("td", {}, d.note ?? ""))))),
    canEdit ? dayForm(section) : null);
}

function dayForm(section: HTMLElement): HTMLElement {
  const date = h("input", { id: "day-date", type: "date", required: true });
  const kind = h("select", { id: "day-kind" },
    h("option", { value: "holiday" }, t("dayHoliday")), h("option", { value: "workday" }, t("dayWorkday")));
  const note = h("input", { id: "day-note" });
  return sendingForm(async () => {
    const cal = await api<Calendar>("/api/v1/calendar/days", {
      body: { days: [{ date: date.value, kind: kind.value, note: note.value.trim() || null }] },
    });
    drawCalendar(section, cal, true, notice(t("daySaved", { date: date.value }), "ok"));
  },
  h("h4", {}, t("addDay")),
  h("div", { className: "row" },
    field("day-date", t("date"), date), field("day-kind", t("kind"), kind), field("day-note", t("note"), note)),
  h("button", { type: "submit", className: "primary" }, t("save")));
}
