// Administration: the responsibility matrix (GET /api/v1/routing) and the working calendar
// (GET /api/v1/calendar), read-only for now.

import { api, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { t } from "../i18n";
import type { Ctx } from "../main";

interface Rule { kind: string; subclass_code: string; street_code: string | null; lead: string; assisting: string[] }
interface Day { date: string; kind: string; note: string | null }

export function renderAdmin(root: HTMLElement, _ctx: Ctx): void {
  const routing = h("section", { className: "card", id: "routing" }, h("h2", {}, t("routingMatrix")), t("loading"));
  const calendar = h("section", { className: "card", id: "calendar" }, h("h2", {}, t("calendar")), t("loading"));
  root.append(h("div", { className: "two-columns" }, routing, calendar));
  api<Rule[] | { rules: Rule[] }>("/api/v1/routing")
    .then((answer) => {
      const rules = Array.isArray(answer) ? answer : answer.rules ?? [];
      clear(routing, h("h2", {}, t("routingMatrix")), h("p", { className: "muted" }, t("total", { n: rules.length })),
        h("div", { className: "scroll" }, h("table", {},
          h("thead", {}, h("tr", {}, h("th", {}, t("kind")), h("th", {}, t("subclass")), h("th", {}, t("street")), h("th", {}, t("lead")), h("th", {}, t("assisting")))),
          h("tbody", {}, rules.map((r) => h("tr", {}, h("td", {}, r.kind), h("td", {}, r.subclass_code), h("td", {}, r.street_code ?? "*"),
            h("td", {}, r.lead), h("td", {}, r.assisting.join("、"))))))));
    })
    .catch((e) => clear(routing, h("h2", {}, t("routingMatrix")), notice(problemText(e), "error")));
  api<{ years_covered: [number, number]; district_days: Day[] }>("/api/v1/calendar")
    .then((cal) => {
      clear(calendar, h("h2", {}, t("calendar")), h("p", {}, t("yearsCovered", { a: cal.years_covered[0], b: cal.years_covered[1] })),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("date")), h("th", {}, t("kind")), h("th", {}, t("note")))),
          h("tbody", {}, cal.district_days.map((d) => h("tr", {}, h("td", {}, d.date), h("td", {}, d.kind), h("td", {}, d.note ?? ""))))));
    })
    .catch((e) => clear(calendar, h("h2", {}, t("calendar")), notice(problemText(e), "error")));
}
