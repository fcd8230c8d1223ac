// The dashboard: KPIs by street, department or month over a period (GET /api/v1/kpis), 岗位评价
// (GET /api/v1/kpis/roles), and the two problem lists of a 片区 (GET /api/v1/problem-lists).

import { api, download, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { t, type TextKey } from "../i18n";
import { KPI_COLUMNS, defaultPeriod, figure, formatFigure, presetPeriod, type KpiReport, type Preset } from "../kpi";
import { barChart, bars } from "../chart";
import type { Ctx } from "../main";

interface ProblemItem { kind: string; key: string; name: string; count: number; example_case_ids: number[] }
interface PostRow {
  role_name: string; action: string; action_name: string; count: number;
  on_time_rate: number | null; accurate_rate: number | null; actors: number;
}

export function renderDashboard(root: HTMLElement, ctx: Ctx): void {
  const period = defaultPeriod(new Date());
  const by = ctx.query.get("by") ?? "street";
  const from = ctx.query.get("from") ?? period.from;
  const to = ctx.query.get("to") ?? period.to;
  const bySelect = h("select", { id: "kpi-by" }, ["street", "area", "department", "month", "source"].map((b) =>
    h("option", { value: b, selected: b === by }, t(`by.${b}` as TextKey))));
  const fromInput = h("input", { id: "kpi-from", type: "date", value: from });
  const toInput = h("input", { id: "kpi-to", type: "date", value: to });
  const controls = h("form", {
    className: "filters",
    onsubmit: (e: Event) => {
      e.preventDefault();
      ctx.go(`#/dashboard?${new URLSearchParams({ by: bySelect.value, from: fromInput.value, to: toInput.value })}`);
    },
  },
  h("label", { for: "kpi-by" }, t("groupBy")), bySelect,
  h("label", { for: "kpi-from" }, t("from")), fromInput,
  h("label", { for: "kpi-to" }, t("to")), toInput,
  h("button", { type: "submit" }, t("show")),
  h("span", { className: "presets" }, (["month", "quarter", "year", "last30"] as Preset[]).map((preset) => {
    const period = presetPeriod(preset, new Date());
    return h("a", { href: `#/dashboard?${new URLSearchParams({ by, ...period })}`, className: "page-link",
      "aria-current": period.from === from && period.to === to ? "true" : undefined }, t(`preset.${preset}` as TextKey));
  })),
  ["xlsx", "csv"].map((format) => h("button", {
    type: "button",
    onclick: () => {
      download(`/api/v1/kpis?${new URLSearchParams({ by, from, to, format })}`, `kpi-${by}-${from}-${to}.${format}`)
        .catch((e) => table.prepend(notice(problemText(e), "error")));
    },
  }, t(format === "xlsx" ? "exportXlsx" : "exportCsv"))));
  const cards = h("div", { className: "kpi-cards", id: "kpi-total" });
  const table = h("div", { id: "kpi-table" }, t("loading"));
  const metric = ctx.query.get("chart") ?? "on_time_closed_rate";
  const chartSelect = h("select", { id: "kpi-chart" }, KPI_COLUMNS.map((c) =>
    h("option", { value: c.key, selected: c.key === metric }, t(`kpi.${c.key}` as TextKey))));
  chartSelect.addEventListener("change", () =>
    ctx.go(`#/dashboard?${new URLSearchParams({ by, from, to, chart: chartSelect.value })}`));
  const chart = h("figure", { id: "kpi-chart-figure" });
  root.append(h("section", { className: "card" }, h("h2", {}, t("dashTitle")), controls, cards,
    h("div", { className: "chart-controls" }, h("label", { for: "kpi-chart" }, t("chartOf")), chartSelect), chart, table));

  const q = new URLSearchParams({ by, from, to });
  api<KpiReport>(`/api/v1/kpis?${q}`)
    .then((report) => {
      clear(cards, KPI_COLUMNS.slice(0, 6).map((c) => h("div", { className: "kpi", dataset: { kpi: c.key } },
        h("div", { className: "value" }, figure(report.total, c)), h("div", { className: "label" }, t(`kpi.${c.key}` as TextKey)))));
      const column = KPI_COLUMNS.find((c) => c.key === metric) ?? KPI_COLUMNS[0];
      const title = `${t(`kpi.${column.key}` as TextKey)} · ${t(`by.${by}` as TextKey)}`;
      clear(chart, barChart(title, bars(report.rows.map((r) => ({
        label: r.group_name || r.group || "—",
        value: (column.from === "counts" ? r.counts : r.kpis)?.[column.key],
        text: figure(r, column),
      })), 30, by === "month")), h("figcaption", { className: "muted" }, title));
      clear(table, h("table", { className: "kpis" },
        h("thead", {}, h("tr", {}, h("th", {}, t(`by.${by}` as TextKey)), KPI_COLUMNS.map((c) => h("th", { className: "num" }, t(`kpi.${c.key}` as TextKey))))),
        h("tbody", {}, report.rows.map((r) => h("tr", {}, h("td", {}, r.group_name || r.group),
          KPI_COLUMNS.map((c) => h("td", { className: "num" }, figure(r, c)))))),
        h("tfoot", {}, h("tr", {}, h("th", {}, t("districtTotal")), KPI_COLUMNS.map((c) => h("th", { className: "num" }, figure(report.total, c)))))));
    })
    .catch((e) => clear(table, notice(problemText(e), "error")));

  // 岗位评价: what each post did in the period.
  const posts = h("div", { id: "post-table" }, t("loading"));
  root.append(h("section", { className: "card" }, h("h2", {}, t("postsTitle")), posts,
    h("button", {
      type: "button",
      onclick: () => {
        download(`/api/v1/kpis/roles?${new URLSearchParams({ from, to, format: "xlsx" })}`, `posts-${from}-${to}.xlsx`)
          .catch((e) => posts.prepend(notice(problemText(e), "error")));
      },
    }, t("exportPostsXlsx"))));
  api<{ rows: PostRow[] }>(`/api/v1/kpis/roles?${new URLSearchParams({ from, to })}`)
    .then((report) => clear(posts, report.rows.length === 0
      ? h("p", { className: "muted" }, "—")
      : h("table", { className: "posts" },
        h("thead", {}, h("tr", {}, [t("post"), t("step")].map((c) => h("th", {}, c)),
          [t("stepCount"), t("onTimeRate"), t("accurateRate"), t("actors")].map((c) => h("th", { className: "num" }, c)))),
        h("tbody", {}, report.rows.map((r) => h("tr", { dataset: { action: r.action } },
          h("td", {}, r.role_name), h("td", {}, r.action_name),
          h("td", { className: "num", dataset: { figure: "count" } }, String(r.count)),
          h("td", { className: "num" }, formatFigure(r.on_time_rate, true)),
          h("td", { className: "num" }, formatFigure(r.accurate_rate, true)),
          h("td", { className: "num" }, String(r.actors))))))))
    .catch((e) => clear(posts, notice(problemText(e), "error")));

  // Problem lists of one 片区.
  const areaSelect = h("select", { id: "problem-area" });
  const lists = h("div", { id: "problem-lists", className: "two-columns" });
  const showLists = () => {
    if (!areaSelect.value) return;
    clear(lists, t("loading"));
    api<{ hot_spots: ProblemItem[]; bottlenecks: ProblemItem[] }>(`/api/v1/problem-lists?${new URLSearchParams({ area: areaSelect.value, from, to })}`)
      .then((pl) => clear(lists,
        problemList(t("hotSpots"), pl.hot_spots),
        problemList(t("bottlenecks"), pl.bottlenecks)))
      .catch((e) => clear(lists, notice(problemText(e), "error")));
  };
  areaSelect.addEventListener("change", showLists);
  root.append(h("section", { className: "card" }, h("h2", {}, t("problemLists")),
    h("label", { for: "problem-area" }, t("layer.areas")), areaSelect, lists));
  api<{ features: { properties: { code: string; name: string } }[] }>("/api/v1/grids?level=area")
    .then((fc) => {
      clear(areaSelect, fc.features.map((f) => h("option", { value: f.properties.code }, `${f.properties.name} (${f.properties.code})`)));
      showLists();
    })
    .catch((e) => lists.append(notice(problemText(e), "error")));
}

function problemList(title: string, items: ProblemItem[]): HTMLElement {
  return h("div", {}, h("h3", {}, title),
    items.length
      ? h("ol", {}, items.slice(0, 20).map((i) => h("li", {}, `${i.name} · ${i.count}`,
        i.example_case_ids.slice(0, 3).map((id) => [" ", h("a", { href: `#/cases/${id}` }, `#${id}`)]))))
      : h("p", { className: "muted" }, "—"));
}
