// Administration: the responsibility matrix (GET/POST /api/v1/routing) and the working calendar
// (GET /api/v1/calendar, POST /api/v1/calendar/days). Edits are sent as the API takes them; every
// line the server refuses is shown as it words it, and nothing changes then.

import { api, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { t } from "../i18n";
import { departmentLabel } from "../departments";
import type { Ctx } from "../main";

interface Rule { kind: string; subclass_code: string; street_code: string | null; lead: string; assisting: string[] }
interface Calendar { years_covered: [number, number]; district_days: Day[] }
interface Day { date: string; kind: string; note: string | null }

const ROUTING_HEADER = "kind,subclass_code,street_code,lead,assisting";

export function renderAdmin(root: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.me.permissions.includes("manage_reference_data");
  const routing = h("section", { className: "card", id: "routing" });
  const calendar = h("section", { className: "card", id: "calendar" });
  root.append(h("div", { className: "two-columns" }, routing, calendar));
  showRouting(routing, canEdit);
  showCalendar(calendar, canEdit);
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
  const error = h("div", { className: "error", role: "alert" });
  return h("form", {
    className: "action-form",
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.textContent = "";
      try {
        const done = await api<{ changed: number }>("/api/v1/routing", { body: { csv: csv.value } });
        showRouting(section, true, notice(t("rulesChanged", { n: done.changed }), "ok"));
      } catch (err) {
        error.textContent = problemText(err);
      }
    },
  },
  h("h4", {}, t("editRouting")),
  h("label", { for: "routing-csv" }, t("routingCsvHelp")), csv,
  h("button", { type: "submit", className: "primary" }, t("save")), error);
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
  const error = h("div", { className: "error", role: "alert" });
  return h("form", {
    className: "action-form",
    onsubmit: async (e: Event) => {
      e.preventDefault();
      error.textContent = "";
      try {
        const cal = await api<Calendar>("/api/v1/calendar/days", {
          body: { days: [{ date: date.value, kind: kind.value, note: note.value.trim() || null }] },
        });
        drawCalendar(section, cal, true, notice(t("daySaved", { date: date.value }), "ok"));
      } catch (err) {
        error.textContent = problemText(err);
      }
    },
  },
  h("h4", {}, t("addDay")),
  h("div", { className: "row" },
    h("div", {}, h("label", { for: "day-date" }, t("date")), date),
    h("div", {}, h("label", { for: "day-kind" }, t("kind")), kind),
    h("div", {}, h("label", { for: "day-note" }, t("note")), note)),
  h("button", { type: "submit", className: "primary" }, t("save")), error);
}
