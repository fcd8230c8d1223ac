import { describe, expect, test } from "vitest";
import { t, hasText } from "./i18n";
import { ApiError, problemText } from "./api";
import { pagesFor, queuesFor, stateName } from "./roles";
import { bars } from "./chart";
import { actionBody, actionFields, elapsed, missingFields, queueQuery, remaining, shanghaiTime, timeLimitText } from "./cases";
import { SWITCHABLE, bounds, buildStyle, focusOf, labelPoints, needsToken, tileUrl } from "./mapstyle";
import { defaultPeriod, formatFigure, presetPeriod } from "./kpi";
import { confidence } from "./search";

describe("i18n", () => {
  test("Chinese by default, English on request, placeholders filled", () => {
    expect(t("caseCreated", { no: "XH1" }, "zh")).toBe("已登记案件 XH1");
    expect(t("caseCreated", { no: "XH1" }, "en")).toBe("Case XH1 taken");
    expect(t("cluster", { n: 3 }, "en")).toBe("3 cases ({o} overdue); zoom in to see them.");
    expect(hasText("problem.invalid_credentials")).toBe(true);
    expect(hasText("problem.nonsense")).toBe(false);
    expect(t("sat.delighted" as never, {}, "zh")).toBe("sat.delighted");
  });
});

describe("problemText", () => {
  test("our sentence first, the server's detail after it", () => {
    const wrong = new ApiError(401, { code: "invalid_credentials", title: "Wrong username or password", detail: "wrong username or password" });
    expect(problemText(wrong, "zh")).toBe("用户名或密码不正确，请重新输入。（wrong username or password）");
    const input = new ApiError(422, { code: "invalid_action_input", detail: "report needs the `reply`" });
    expect(problemText(input, "en")).toBe("Some input is missing: report needs the `reply`");
  });
  test("unknown codes show the server's detail; no network is said plainly", () => {
    expect(problemText(new ApiError(404, { code: "not_found", detail: "no case `9`" }), "zh")).toBe("no case `9`");
    expect(problemText(new ApiError(0, { code: "network" }), "zh")).toBe("无法连接服务器，请检查网络后重试。");
    expect(problemText(new ApiError(502, {}), "en")).toBe("HTTP 502");
  });
});

describe("roles", () => {
  test("pages follow permissions", () => {
    expect(pagesFor({ permissions: [] })).toEqual(["home"]);
    expect(pagesFor({ permissions: ["read_grids", "read_cases", "intake_cases"] })).toEqual(["home", "map", "cases", "intake"]);
    expect(pagesFor({ permissions: ["read_overview", "manage_reference_data"] })).toEqual(["home", "dashboard", "admin"]);
  });
  test("each case role has its queue; others have none", () => {
    expect(queuesFor({ roles: ["department_handler"] })).toEqual([{ role: "department_handler", states: ["dispatched", "handling"] }]);
    expect(queuesFor({ roles: ["citizen", "admin"] })).toEqual([]);
    // The 受理员's queue ends with the closed cases whose caller is still to be revisited.
    expect(queuesFor({ roles: ["intake_operator"] })[0].states).toContain("awaiting_revisit");
    expect(stateName("awaiting_revisit", "zh")).toBe("待回访");
    expect(stateName("checked", "zh")).toBe("待结案");
    expect(stateName("checked", "en")).toBe("to close");
  });
});

describe("case actions", () => {
  test("inputs each action needs", () => {
    expect(actionFields("accept")).toEqual([]);
    expect(actionFields("file").map((f) => [f.name, f.required])).toEqual([["category_code", false]]);
    expect(actionFields("report").map((f) => f.name)).toEqual(["reply"]);
    expect(actionFields("revisit")[0]).toMatchObject({ name: "satisfaction", kind: "choice" });
    expect(missingFields("report", { reply: "  " })).toEqual(["reply"]);
    expect(missingFields("dispatch", {})).toEqual([]);
  });
  test("request bodies", () => {
    expect(actionBody("report", { reply: " 已清理 " })).toEqual({ action: "report", reply: "已清理" });
    expect(actionBody("dispatch", { department: "" })).toEqual({ action: "dispatch" });
    expect(actionBody("extend", { extension: "3", reason: "等材料" })).toEqual({ action: "extend", extension: { amount: 3, unit: "working_day" }, reason: "等材料" });
    expect(actionBody("merge", { parent_id: "12" })).toEqual({ action: "merge", parent_id: 12 });
  });
  test("times in Shanghai, time left or overdue", () => {
    expect(shanghaiTime("2026-11-27T10:00:00Z")).toBe("2026-11-27 18:00");
    expect(shanghaiTime(null)).toBe("—");
    const now = new Date("2026-11-27T00:00:00Z");
    expect(remaining("2026-11-29T03:00:00Z", now, "zh")).toBe("剩余 2 天 3 小时");
    expect(remaining("2026-11-26T23:00:00Z", now, "en")).toBe("overdue by 1 h 0 min");
    expect(remaining("2026-11-27T00:05:00Z", now, "en")).toBe("5 min left");
  });
  test("time limits and the time each step took", () => {
    expect(timeLimitText(5, "working_day", "zh")).toBe("5 个工作日");
    expect(timeLimitText(2, "urgent_hour", "en")).toBe("2 hours (urgent)");
    expect(timeLimitText(null, null, "zh")).toBe("");
    expect(elapsed("2026-11-27T00:00:00Z", "2026-11-28T02:00:00Z", "zh")).toBe("1 天 2 小时");
    expect(elapsed("2026-11-27T00:00:00Z", "2026-11-27T00:00:30Z", "en")).toBe("");
    expect(elapsed("2026-11-27T00:00:00Z", "2026-11-27T00:07:00Z", "en")).toBe("7 min");
  });
  test("queue query strings", () => {
    expect(queueQuery({ states: ["dispatched", "handling"], overdue: true })).toBe("state=dispatched%2Chandling&overdue=true&limit=50");
    expect(queueQuery({ limit: 1 })).toBe("limit=1");
    expect(queueQuery({ q: " 井盖 松动 ", limit: 1 })).toBe("q=%E4%BA%95%E7%9B%96+%E6%9D%BE%E5%8A%A8&limit=1");
    expect(queueQuery({ source: "sensor", limit: 50, offset: 100 })).toBe("source=sensor&limit=50&offset=100");
  });
});

describe("map style", () => {
  test("every source is one of yiwang's tile layers on this server; no glyphs, sprites or remote URLs", () => {
    const style = buildStyle("http://127.0.0.1:8080");
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    for (const [id, source] of Object.entries(style.sources)) {
      if (id === "street-labels") {
        expect(source).toMatchObject({ type: "geojson", data: { type: "FeatureCollection" } });
        continue;
      }
      expect(source).toMatchObject({ type: "vector", tiles: [`http://127.0.0.1:8080/tiles/${id}/{z}/{x}/{y}.mvt`] });
    }
    const layerIds = new Set(style.layers.map((l) => l.id));
    for (const s of SWITCHABLE) for (const id of s.layers) expect(layerIds.has(id)).toBe(true);
    expect(JSON.stringify(style)).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
  });
  test("tiles are asked for only at the zooms the server draws them", () => {
    const style = buildStyle("");
    expect(style.sources.buildings).toMatchObject({ minzoom: 14, maxzoom: 16 });
    expect(style.sources.cases).toMatchObject({ minzoom: 0, maxzoom: 16 });
    for (const layer of style.layers) {
      if (!("source" in layer) || layer.source === "street-labels") continue;
      const source = style.sources[layer.source] as { minzoom: number };
      expect(layer.minzoom ?? 0).toBeGreaterThanOrEqual(source.minzoom);
    }
  });
  test("layers can start hidden; overdue cases are red", () => {
    const style = buildStyle("", { cases: false });
    const cases = style.layers.find((l) => l.id === "cases-point");
    expect(cases?.layout).toMatchObject({ visibility: "none" });
    expect(JSON.stringify(cases)).toContain("#c62828");
  });
  test("only tile requests carry the token", () => {
    expect(tileUrl("http://h", "roads")).toBe("http://h/tiles/roads/{z}/{x}/{y}.mvt");
    expect(needsToken("http://h/tiles/roads/1/2/3.mvt", "http://h")).toBe(true);
    expect(needsToken("http://evil/tiles/roads/1/2/3.mvt", "http://h")).toBe(false);
  });
});

describe("figures", () => {
  test("rates, counts and missing rates", () => {
    expect(formatFigure(0.875, true)).toBe("87.5%");
    expect(formatFigure(1, true)).toBe("100.0%");
    expect(formatFigure(null, true)).toBe("—");
    expect(formatFigure(12, false)).toBe("12");
    expect(confidence(0.934)).toBe(93);
    expect(confidence(1.7)).toBe(100);
    expect(defaultPeriod(new Date("2026-12-31T20:00:00Z"))).toEqual({ from: "2027-01-01", to: "2027-01-01" });
  });
});

describe("street labels and the first view", () => {
  const cells = [
    { properties: { code: "310104003", name: "天平路街道", centroid: [121.44, 31.21] as [number, number] },
      geometry: { type: "MultiPolygon", coordinates: [[[[121.43, 31.2], [121.45, 31.2], [121.45, 31.22], [121.43, 31.2]]]] } },
    { properties: { code: "310104004", name: "湖南路街道" },
      geometry: { type: "Polygon", coordinates: [[[121.42, 31.19], [121.44, 31.23], [121.42, 31.19]]] } },
  ];
  test("one label point per street with a centroid", () => {
    const points = labelPoints(cells);
    expect(points.features).toHaveLength(1);
    expect(points.features[0]).toMatchObject({ properties: { name: "天平路街道" }, geometry: { coordinates: [121.44, 31.21] } });
    expect(buildStyle("", {}, cells).sources["street-labels"]).toMatchObject({ type: "geojson" });
  });
  test("bounds over polygons and multipolygons", () => {
    expect(bounds(cells)).toEqual([[121.42, 31.19], [121.45, 31.23]]);
    expect(bounds([])).toBeNull();
  });
});

describe("opening the map on a place", () => {
  test("lon, lat and zoom from the hash; nonsense ignored", () => {
    expect(focusOf(new URLSearchParams("lon=121.44&lat=31.2&zoom=17"))).toEqual({ center: [121.44, 31.2], zoom: 17 });
    expect(focusOf(new URLSearchParams("lon=121.44&lat=31.2&zoom=40"))).toEqual({ center: [121.44, 31.2], zoom: 19 });
    expect(focusOf(new URLSearchParams("lon=121.44&lat=31.2"))?.zoom).toBe(16);
    expect(focusOf(new URLSearchParams("lon=abc&lat=31.2"))).toBeNull();
    expect(focusOf(new URLSearchParams("lon=500&lat=31.2"))).toBeNull();
    expect(focusOf(new URLSearchParams(""))).toBeNull();
  });
});

describe("dashboard periods", () => {
  test("month, quarter, year and the last 30 days, in Shanghai dates", () => {
    const now = new Date("2026-11-27T20:00:00Z"); // 2026-11-28 04:00 in Shanghai
    expect(presetPeriod("month", now)).toEqual({ from: "2026-11-01", to: "2026-11-28" });
    expect(presetPeriod("quarter", now)).toEqual({ from: "2026-10-01", to: "2026-11-28" });
    expect(presetPeriod("year", now)).toEqual({ from: "2026-01-01", to: "2026-11-28" });
    expect(presetPeriod("last30", now)).toEqual({ from: "2026-10-30", to: "2026-11-28" });
    expect(presetPeriod("last30", new Date("2026-01-10T00:00:00Z"))).toEqual({ from: "2025-12-12", to: "2026-01-10" });
  });
});

describe("bar charts", () => {
  const items = [
    { label: "徐家汇街道", value: 0.9, text: "90.0%" },
    { label: "湖南路街道", value: 0.45, text: "45.0%" },
    { label: "天平路街道", value: null, text: "—" },
    { label: "枫林路街道", value: 0.6, text: "60.0%" },
  ];
  test("scales the largest bar to the full width and leaves out missing values", () => {
    const b = bars(items, 10, false);
    expect(b.map((x) => x.label)).toEqual(["徐家汇街道", "枫林路街道", "湖南路街道"]);
    expect(b[0].width).toBe(1);
    expect(b[2].width).toBeCloseTo(0.5);
  });
  test("keeps a time series in order and its latest bars", () => {
    const months = [1, 2, 3, 4].map((m) => ({ label: `2026-0${m}`, value: m * 10, text: String(m * 10) }));
    expect(bars(months, 2, true).map((x) => x.label)).toEqual(["2026-03", "2026-04"]);
  });
  test("draws nothing wide when every value is zero", () => {
    expect(bars([{ label: "a", value: 0, text: "0" }], 5, false)[0].width).toBe(0);
  });
});
