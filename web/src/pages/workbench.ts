// The case workbench: queues by role and state with filters on the left; on the right the case
// with its deadlines, timeline and the actions the state machine allows this account.

import { api, ApiError, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { lang, t, type Lang, type TextKey } from "../i18n";
import { STATES, queuesFor, roleName, stateName } from "../roles";
import {
  actionBody, actionFields, actionName, elapsed, missingFields, queueQuery, remaining, shanghaiTime, timeLimitText,
  type CaseDetail, type CaseDto,
} from "../cases";
import { departmentLabel, departmentOptions } from "../departments";
import type { Ctx } from "../main";

const STAGE_ZH: Record<string, string> = {
  intake: "受理立案", dispatch: "派遣", sign: "签收", handle: "处置", check: "核查", close: "结案", revisit: "回访", redo: "重办",
};

function stageName(stage: string | null, language: Lang): string {
  if (!stage) return "";
  return language === "zh" ? (STAGE_ZH[stage] ?? stage) : stage;
}

function statusBadge(status: string | null): HTMLElement | null {
  if (!status) return null;
  const key: TextKey = status === "overdue" ? "overdue" : status === "warning" ? "warning" : "onTime";
  return h("span", { className: `badge ${status}` }, t(key));
}

/** The facts of a case, for the workbench and the map's side panel. */
export function caseCard(c: CaseDto, language: Lang): HTMLElement {
  const now = new Date();
  const row = (label: TextKey, ...value: (Node | string | null | (Node | string)[])[]) =>
    h("tr", {}, h("th", {}, t(label)), h("td", {}, ...value));
  return h("div", { className: "case-card", dataset: { caseId: String(c.id), state: c.state } },
    h("h3", { tabindex: -1, className: "case-title" }, c.case_no, " ", h("span", { className: "state", id: "case-state" }, language === "zh" ? c.state_zh : stateName(c.state, "en")),
      c.supervised ? h("span", { className: "badge overdue" }, t("supervisedFlag")) : null),
    h("table", { className: "facts" }, h("tbody", {},
      row("text", c.text),
      row("address", c.premises_id ? h("a", { href: `#/premises/${c.premises_id}` }, c.address ?? `#${c.premises_id}`) : c.address ?? "—",
        c.lon !== null && c.lat !== null
          ? [" ", h("a", { href: `#/map?lon=${c.lon.toFixed(6)}&lat=${c.lat.toFixed(6)}&zoom=17`, className: "small", id: "case-on-map" }, t("showOnMap"))]
          : null),
      row("category", c.category_name ? `${c.category_name} (${c.category_code})` : "—"),
      row("department", h("span", { id: "case-department", dataset: { code: c.department_code ?? "" } }, departmentLabel(c.department_code)),
        c.suggested_route && !c.department_code
          ? h("span", { className: "muted", id: "suggested-route" }, ` ${t("suggestedRoute")}：${departmentLabel(c.suggested_route.lead)}` +
            (c.suggested_route.assisting.length ? `，${t("assisting")} ${c.suggested_route.assisting.map(departmentLabel).join("、")}` : ""))
          : null),
      row("received", shanghaiTime(c.created_at)),
      row("deadline", shanghaiTime(c.due_at),
        c.time_limit_amount !== null ? h("span", { className: "muted" }, `（${timeLimitText(c.time_limit_amount, c.time_limit_unit, language)}）`) : null,
        " ", statusBadge(c.deadline_status),
        c.due_at && !c.closed_at ? h("span", { className: "muted" }, ` ${remaining(c.due_at, now, language)}`) : null),
      c.stage_due_at ? row("stageDeadline", `${stageName(c.stage, language)} ${shanghaiTime(c.stage_due_at)}`, " ", statusBadge(c.stage_status),
        h("span", { className: "muted" }, ` ${remaining(c.stage_due_at, now, language)}`)) : null,
      c.reporter_name || c.reporter_phone ? row("reporter", [c.reporter_name, c.reporter_phone].filter(Boolean).join(" ")) : null,
      c.reply ? row("reply", c.reply) : null,
      c.satisfaction ? row("satisfaction", t(`sat.${c.satisfaction}` as TextKey)) : null)));
}

function timeline(detail: CaseDetail, language: Lang): HTMLElement {
  return h("ol", { className: "timeline", id: "timeline" }, detail.timeline.map((e, i) =>
    h("li", { dataset: { action: e.action } },
      h("time", {}, shanghaiTime(e.at)), " ",
      i > 0 && elapsed(detail.timeline[i - 1].at, e.at, language)
        ? h("span", { className: "muted small" }, `(+${elapsed(detail.timeline[i - 1].at, e.at, language)}) `)
        : null,
      h("strong", {}, language === "zh" ? e.action_zh : actionName(e.action, "en")), " · ", e.actor,
      " → ", stateName(e.to_state, language),
      e.detail && typeof e.detail === "object"
        ? h("div", { className: "muted small" }, ["reply", "reason", "comment", "department", "satisfaction"]
          .filter((k) => typeof (e.detail as Record<string, unknown>)[k] === "string")
          .map((k) => {
            const v = String((e.detail as Record<string, unknown>)[k]);
            return k === "department" ? departmentLabel(v) : k === "satisfaction" ? t(`sat.${v}` as TextKey) : v;
          }).join(" · "))
        : null)));
}

const PAGE_SIZE = 50;

/** Reloads the queue on the left after an action on the right. */
let refreshList: (() => void) | null = null;

export function renderCases(root: HTMLElement, ctx: Ctx): () => void {
  const language = lang();
  const queues = queuesFor(ctx.me);
  const stateParam = ctx.query.get("state") ?? "";
  const page = Math.max(1, Math.floor(Number(ctx.query.get("page") ?? 1)) || 1);
  const states = stateParam ? stateParam.split(",") : [];
  const stateSelect = h("select", { id: "filter-state" },
    h("option", { value: "" }, t("allStates")),
    queues.map((q) => h("option", { value: q.states.join(","), selected: stateParam === q.states.join(",") },
      `${t("queue.mine")}：${roleName(q.role, language)}`)),
    [...STATES, "awaiting_revisit"].map((s) => h("option", { value: s, selected: stateParam === s }, stateName(s, language))));
  const words = h("input", { id: "filter-q", type: "search", value: ctx.query.get("q") ?? "", placeholder: t("searchCasesHint"), size: 14 });
  const street = h("input", { id: "filter-street", value: ctx.query.get("street") ?? "", placeholder: "310104…", size: 10 });
  const ownDepartmentOnly = ctx.me.roles.includes("department_handler");
  const department = h("input", { id: "filter-department", value: ctx.query.get("department") ?? "", list: "department-codes", size: 10 });
  const source = h("select", { id: "filter-source" }, h("option", { value: "" }, t("allSources")),
    ["hotline", "grid_patrol", "sensor", "citizen"].map((v) =>
      h("option", { value: v, selected: ctx.query.get("source") === v }, t(`source.${v}` as TextKey))));
  const overdue = h("input", { type: "checkbox", id: "filter-overdue", checked: ctx.query.get("overdue") === "true" });
  const supervised = h("input", { type: "checkbox", id: "filter-supervised", checked: ctx.query.get("supervised") === "true" });
  const filters = h("form", {
    className: "filters",
    onsubmit: (e: Event) => {
      e.preventDefault();
      const q = new URLSearchParams();
      if (words.value.trim()) q.set("q", words.value.trim());
      if (stateSelect.value) q.set("state", stateSelect.value);
      if (street.value.trim()) q.set("street", street.value.trim());
      if (department.value.trim()) q.set("department", department.value.trim());
      if (source.value) q.set("source", source.value);
      if (overdue.checked) q.set("overdue", "true");
      if (supervised.checked) q.set("supervised", "true");
      ctx.go(`#/cases${ctx.args[0] ? `/${ctx.args[0]}` : ""}?${q}`);
    },
  },
  h("div", { className: "field" }, h("label", { for: "filter-q" }, t("searchCases")), words),
  h("div", { className: "field" }, h("label", { for: "filter-state" }, t("state")), stateSelect),
  h("div", { className: "field" }, h("label", { for: "filter-street" }, t("street")), street),
  ownDepartmentOnly ? null : h("div", { className: "field" }, h("label", { for: "filter-department" }, t("department")), department, departmentList()),
  h("div", { className: "field" }, h("label", { for: "filter-source" }, t("source")), source),
  h("label", { className: "check" }, overdue, t("onlyOverdue")),
  h("label", { className: "check" }, supervised, t("onlySupervised")),
  h("button", { type: "submit" }, t("filter")));
  const list = h("div", { id: "case-list", "aria-live": "polite" }, t("loading"));
  const detail = h("section", { id: "case-detail", className: "card", "aria-live": "polite" },
    h("p", { className: "muted" }, t("selectCase")));
  root.append(h("div", { className: "workbench" },
    h("section", { className: "card queue" }, h("h2", {}, t("navCases")), filters, list), detail));

  const query = queueQuery({
    q: ctx.query.get("q") ?? undefined,
    states, street: ctx.query.get("street") ?? undefined, department: ctx.query.get("department") ?? undefined,
    source: ctx.query.get("source") ?? undefined,
    overdue: ctx.query.get("overdue") === "true", supervised: ctx.query.get("supervised") === "true",
    limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE,
  });
  /** The same queue on another page (the open case stays open). */
  const pageLink = (to: number, label: string) => {
    const q = new URLSearchParams(ctx.query);
    if (to > 1) q.set("page", String(to));
    else q.delete("page");
    return h("a", { href: `#/cases${ctx.args[0] ? `/${ctx.args[0]}` : ""}${q.toString() ? `?${q}` : ""}`, className: "page-link" }, label);
  };
  const loadList = () => api<{ total: number; items: CaseDto[] }>(`/api/v1/cases?${query}`)
    .then((answer) => {
      if (!answer.items.length) {
        clear(list, h("p", { className: "muted" }, t("noCases")), page > 1 ? pageLink(1, t("firstPage")) : null);
        return;
      }
      const first = (page - 1) * PAGE_SIZE + 1;
      const last = first + answer.items.length - 1;
      const pager = h("p", { className: "muted small pager" },
        page > 1 ? [pageLink(page - 1, t("previousPage")), " "] : null,
        t("range", { a: first, b: last, n: answer.total }),
        last < answer.total ? [" ", pageLink(page + 1, t("nextPage"))] : null);
      clear(list, pager,
        h("ul", { className: "cases" }, answer.items.map((c) => h("li", { className: c.deadline_status === "overdue" ? "overdue" : "" },
          h("a", { href: `#/cases/${c.id}${ctx.query.toString() ? `?${ctx.query}` : ""}`, "aria-current": String(c.id) === ctx.args[0] ? "true" : undefined },
            h("span", { className: "case-no" }, c.case_no), " ", h("span", { className: "state" }, language === "zh" ? c.state_zh : stateName(c.state, "en")),
            " ", statusBadge(c.deadline_status),
            h("div", { className: "small" }, c.category_name ?? "", " ", c.address ?? ""))))));
    })
    .catch((e) => clear(list, notice(problemText(e), "error")));
  refreshList = () => void loadList();
  void loadList();

  // Opening a case puts the keyboard on it: Tab then goes to its actions.
  if (ctx.args[0]) void showCase(detail, Number(ctx.args[0])).then(() => detail.querySelector<HTMLElement>(".case-title")?.focus());
  return () => { refreshList = null; };
}

/** Shows one case and its actions; after an action, shows the result and the case as it now is. */
export async function showCase(panel: HTMLElement, id: number, result?: HTMLElement): Promise<void> {
  const language = lang();
  let detail: CaseDetail;
  try {
    detail = await api<CaseDetail>(`/api/v1/cases/${id}`);
  } catch (e) {
    clear(panel, notice(problemText(e), "error"));
    return;
  }
  const actions = h("div", { className: "actions", id: "case-actions" });
  const form = h("div", { id: "action-form" });
  if (!detail.allowed_actions.length) actions.append(h("p", { className: "muted" }, t("noActions")));
  for (const action of detail.allowed_actions) {
    actions.append(h("button", {
      type: "button", className: action === "comment" ? "" : "primary", dataset: { action },
      onclick: () => {
        if (actionFields(action).length === 0) void act(panel, detail, action, {});
        else clear(form, actionForm(panel, detail, action));
      },
    }, actionName(action, language)));
  }
  if (result) result.tabIndex = -1;
  const repeats = h("div", { id: "case-repeats" });
  clear(panel, result ?? null, caseCard(detail, language),
    detail.parent_id ? h("p", { id: "case-parent" }, t("mergedInto"), " ",
      h("a", { href: `#/cases/${detail.parent_id}` }, `#${detail.parent_id}`)) : null,
    repeats,
    h("h3", {}, t("actions")), actions, form,
    h("h3", {}, t("timeline")), timeline(detail, language));
  // The repeats merged into this case (并单), each with its caller's own words.
  api<{ total: number; items: CaseDto[] }>(`/api/v1/cases?parent=${detail.id}&limit=50`)
    .then((page) => {
      if (!page.total) return;
      clear(repeats, h("h3", {}, t("mergedRepeats", { n: page.total })),
        h("ul", { className: "cases" }, page.items.map((c) => h("li", {},
          h("a", { href: `#/cases/${c.id}` }, h("span", { className: "case-no" }, c.case_no)), " ",
          h("span", { className: "small" }, `${shanghaiTime(c.created_at)} · ${c.text}`)))));
    })
    .catch(() => { /* the case itself is shown; its repeats are extra */ });
}

/** Suggestions for a department field: every department's code, labelled with its name. */
function departmentList(): HTMLElement | null {
  if (document.getElementById("department-codes")) return null;
  return h("datalist", { id: "department-codes" },
    departmentOptions().map(([code, name]) => h("option", { value: code }, name)));
}

function actionForm(panel: HTMLElement, detail: CaseDetail, action: string): HTMLElement {
  const language = lang();
  const inputs: Record<string, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement> = {};
  const error = h("div", { className: "error", role: "alert" });
  const fields = actionFields(action).map((f) => {
    const id = `action-${f.name}`;
    let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (f.kind === "text") input = h("textarea", { id, rows: 3, required: f.required });
    else if (f.kind === "choice") input = h("select", { id, required: f.required }, f.options.map((o) =>
      h("option", { value: o }, t((f.name === "satisfaction" ? `sat.${o}` : `outcome.${o}`) as TextKey))));
    else input = h("input", { id, type: f.kind === "number" ? "number" : "text", required: f.required,
      list: f.name === "department" ? "department-codes" : undefined,
      placeholder: f.name === "department" ? detail.suggested_route?.lead ?? "" : f.name === "category_code" ? detail.category_code ?? "" : "" });
    inputs[f.name] = input;
    const current = f.name === "department" ? departmentLabel(detail.suggested_route?.lead)
      : f.name === "category_code" ? `${detail.category_name ?? "—"} (${detail.category_code ?? "—"})` : "";
    return [h("label", { for: id }, t(`input.${f.name}` as TextKey, { current })), input,
      f.name === "department" ? departmentList() : null];
  });
  const formEl = h("form", {
    className: "action-form",
    novalidate: true,
    onsubmit: (e: Event) => {
      e.preventDefault();
      const values = Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value]));
      const missing = missingFields(action, values);
      if (missing.length) {
        error.textContent = t("problem.invalid_action_input") + missing.map((m) => t(`input.${m}` as TextKey)).join("、");
        inputs[missing[0]]?.focus();
        return;
      }
      void act(panel, detail, action, values, error);
    },
  }, h("h4", {}, actionName(action, language)), fields,
  h("button", { type: "submit", className: "primary" }, language === "zh" ? `确认${actionName(action, "zh")}` : `Confirm: ${actionName(action, "en")}`),
  error);
  window.setTimeout(() => Object.values(inputs)[0]?.focus(), 0);
  return formEl;
}

async function act(panel: HTMLElement, detail: CaseDetail, action: string, values: Record<string, string>, error?: HTMLElement): Promise<void> {
  const language = lang();
  try {
    const after = await api<CaseDto>(`/api/v1/cases/${detail.id}/actions`, { body: actionBody(action, values) });
    const done = t("done", { action: actionName(action, language) }) +
      (after.department_code && (action === "dispatch" || action === "reassign") ? ` ${t("routedTo", { dept: departmentLabel(after.department_code) })}` : "");
    refreshList?.();
    const shown = notice(done, "ok");
    await showCase(panel, detail.id, shown);
    shown.focus();
  } catch (e) {
    const message = notice(problemText(e), "error");
    if (e instanceof ApiError && (e.code === "action_not_allowed" || e.code === "case_changed")) {
      await showCase(panel, detail.id, message);
    } else if (error) {
      clear(error, problemText(e));
    } else {
      panel.prepend(message);
    }
  }
}
