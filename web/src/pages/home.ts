// Home: each role's work (queue counts linking to the workbench), the district overview and
// the streets.

import { api, problemText } from "../api";
import { h, notice } from "../dom";
import { lang, t, type TextKey } from "../i18n";
import { queuesFor, roleName, stateName } from "../roles";
import { queueQuery } from "../cases";
import type { Ctx } from "../main";

interface StreetFeature {
  properties: { code: string; name: string; area_m2: number };
}

let statsCache: Promise<Record<string, number>> | null = null;
let streetsCache: Promise<{ features: StreetFeature[] }> | null = null;

/** Forgets what was loaded for the previous account. */
export function forgetHome(): void {
  statsCache = null;
  streetsCache = null;
}

export function renderHome(root: HTMLElement, ctx: Ctx): void {
  const can = (p: string) => ctx.me.permissions.includes(p);
  const queues = queuesFor(ctx.me);
  if (queues.length && can("read_cases")) {
    const list = h("ul", { className: "work" });
    root.append(h("section", { id: "my-work", className: "card" }, h("h2", {}, t("myWork")), list));
    for (const queue of queues) {
      for (const state of queue.states) {
        const count = h("span", { className: "count", dataset: { state } }, "…");
        const late = h("a", { className: "late", href: `#/cases?state=${state}&overdue=true` });
        list.append(h("li", {}, h("a", { href: `#/cases?state=${state}` },
          `${roleName(queue.role, lang())} · ${stateName(state, lang())}`), " ", count, h("div", {}, late)));
        api<{ total: number }>(`/api/v1/cases?${queueQuery({ states: [state], limit: 1 })}`)
          .then((page) => { count.textContent = t("workCount", { n: page.total }); })
          .catch((e) => { count.textContent = problemText(e); });
        api<{ total: number }>(`/api/v1/cases?${queueQuery({ states: [state], overdue: true, limit: 1 })}`)
          .then((page) => { if (page.total > 0) late.textContent = t("overdueCount", { n: page.total }); })
          .catch(() => { /* the count above says what went wrong */ });
      }
    }
  }

  const overview = h("section", { id: "overview", className: "card" }, h("h2", {}, t("overview")));
  root.append(overview);
  if (can("read_overview")) {
    const body = h("tbody");
    overview.append(h("table", { id: "stats" }, body));
    // Kept for the session, so that switching the language redraws at once.
    (statsCache ??= api<Record<string, number>>("/api/v1/stats"))
      .then((stats) => {
        for (const [key, value] of Object.entries(stats)) {
          const label = `stat.${key}`;
          body.append(h("tr", {},
            h("th", {}, label.startsWith("stat.") ? t(label as TextKey) : key),
            h("td", { className: "num", dataset: { key } }, String(value))));
        }
      })
      .catch((e) => {
        statsCache = null;
        overview.append(notice(problemText(e), "error"));
      });
  } else {
    overview.append(notice(t("noOverview"), "info"));
  }

  if (can("read_grids")) {
    const body = h("tbody");
    root.append(h("section", { id: "streets-panel", className: "card" }, h("h2", {}, t("streets")),
      h("table", { id: "streets" },
        h("thead", {}, h("tr", {}, h("th", {}, t("code")), h("th", {}, t("name")), h("th", { className: "num" }, t("area")))),
        body)));
    (streetsCache ??= api<{ features: StreetFeature[] }>("/api/v1/grids?level=street"))
      .then((fc) => {
        for (const f of fc.features) {
          body.append(h("tr", {}, h("td", {}, f.properties.code), h("td", {}, f.properties.name),
            h("td", { className: "num" }, (f.properties.area_m2 / 1e6).toFixed(2))));
        }
      })
      .catch((e) => {
        streetsCache = null;
        body.append(h("tr", {}, h("td", { colspan: 3 }, problemText(e))));
      });
  }
}
