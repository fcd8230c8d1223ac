// The map: yiwang's own vector tiles (five grid levels, roads, buildings, cases), a layer
// switcher, an address search, and click-for-details (grid chain and staff; premises; case card).

import * as maplibregl from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
// The worker is its own module file; Vite emits it under /assets/ with a content hash.
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { api, problemText, token } from "../api";
import { clear, h, notice } from "../dom";
import { lang, t, type TextKey } from "../i18n";
import { SWITCHABLE, XUHUI_CENTER, bounds, buildStyle, focusOf, needsToken, type GridFeature } from "../mapstyle";
import { addressSearch } from "../search";
import { caseCard } from "./workbench";
import { premisesSummary } from "./premises";
import type { CaseDetail } from "../cases";
import type { Ctx } from "../main";

interface Cell { code: string; name: string }
interface Located {
  street?: Cell; area?: Cell; community?: Cell; micro_grid?: Cell; building_group?: Cell;
  staff?: { grid_code: string; role: string; role_zh: string; name: string; phone: string | null }[];
  nearest_premises?: { premises_id: number; standard_address: string; name: string | null; distance_m: number }[];
}

declare global {
  interface Window { yiwangMap?: maplibregl.Map; yiwangFirstPaintMs?: number }
}

export function renderMap(root: HTMLElement, ctx: Ctx): () => void {
  const container = h("div", { id: "map", role: "region", "aria-label": t("navMap") });
  const details = h("div", { id: "details", "aria-live": "polite" }, h("p", { className: "muted" }, t("clickHint")));
  const switcher = h("fieldset", { id: "layers", className: "layers" }, h("legend", {}, t("layers")));
  const status = h("div", { id: "map-status" });
  let map: maplibregl.Map | null = null;

  const search = addressSearch({
    id: "map-search",
    label: t("searchAddress"),
    onPick: async (candidate) => {
      if (candidate.premises_id === null) return;
      try {
        const p = await api<{ lon: number | null; lat: number | null }>(`/api/v1/premises/${candidate.premises_id}`);
        if (map && p.lon !== null && p.lat !== null) map.flyTo({ center: [p.lon, p.lat], zoom: 17 });
        clear(details, await premisesSummary(candidate.premises_id, ctx));
      } catch (e) {
        clear(details, notice(problemText(e), "error"));
      }
    },
  });

  const legend = h("ul", { className: "legend", "aria-label": t("layers") },
    h("li", {}, h("span", { className: "dot", style: "background:#c62828" }), t("legendOverdue")),
    h("li", {}, h("span", { className: "dot", style: "background:#1e88e5" }), t("legendOpen")),
    h("li", {}, h("span", { className: "dot", style: "background:#6b7785" }), t("legendBuilding")));
  root.append(h("div", { className: "map-page" },
    h("aside", { className: "map-side" }, search, switcher, legend, status, h("h2", {}, t("details")), details),
    container));

  // The streets first (a few kB): they frame the first view and carry the label points.
  let gone = false;
  api<{ features: GridFeature[] }>("/api/v1/grids?level=street")
    .then((fc) => fc.features)
    .catch(() => [] as GridFeature[])
    .then((cells) => {
      if (!gone) map = createMap({ container, cells, status, details, switcher, ctx });
    });

  return () => {
    gone = true;
    window.yiwangMap = undefined;
    map?.remove();
  };
}

interface MapParts {
  container: HTMLElement;
  cells: GridFeature[];
  status: HTMLElement;
  details: HTMLElement;
  switcher: HTMLElement;
  ctx: Ctx;
}

function createMap({ container, cells, status, details, switcher, ctx }: MapParts): maplibregl.Map | null {
  const origin = location.origin;
  // Street staff start on their own street; everyone else on the district.
  const own = cells.filter((c) => c.properties.code === ctx.me.org_code);
  const district = bounds(own.length ? own : cells);
  const focus = focusOf(ctx.query);
  let m: maplibregl.Map;
  try {
    maplibregl.setWorkerUrl(workerUrl);
    m = new maplibregl.Map({
      container,
      style: buildStyle(origin, {}, cells),
      ...(focus ? { center: focus.center, zoom: focus.zoom }
        : district ? { bounds: district, fitBoundsOptions: { padding: 24 } } : { center: XUHUI_CENTER, zoom: 11.3 }),
      minZoom: 9,
      maxZoom: 19,
      attributionControl: false,
      localIdeographFontFamily: "'Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'PingFang SC', 'Microsoft YaHei', sans-serif",
      transformRequest: (url) => {
        const bearer = token();
        return needsToken(url, origin) && bearer ? { url, headers: { Authorization: `Bearer ${bearer}` } } : { url };
      },
    });
  } catch (e) {
    status.append(notice(t("mapFailed", { msg: String(e instanceof Error ? e.message : e) }), "error"));
    return null;
  }
  window.yiwangMap = m;
  m.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  m.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  m.once("load", () => {
    window.yiwangFirstPaintMs = performance.now();
    container.dataset.loaded = "true";
  });
  m.on("error", (event) => {
    const message = event.error?.message ?? "";
    if (message) clear(status, notice(t("mapFailed", { msg: message }), "error"));
  });

  for (const layer of SWITCHABLE) {
    const box = h("input", {
      type: "checkbox", id: `layer-${layer.id}`, checked: layer.on,
      onchange: () => {
        for (const id of layer.layers) {
          if (m.getLayer(id)) m.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
        }
      },
    });
    switcher.append(h("label", { className: "check" }, box, t(`layer.${layer.id}` as TextKey)));
  }

  m.on("click", (event) => {
    void showDetails(m, event.point, event.lngLat, details, ctx);
  });
  for (const id of ["cases-cluster", "cases-point", "buildings-point"]) {
    m.on("mouseenter", id, () => { m.getCanvas().style.cursor = "pointer"; });
    m.on("mouseleave", id, () => { m.getCanvas().style.cursor = ""; });
  }
  return m;
}

async function showDetails(map: maplibregl.Map, point: maplibregl.Point, lngLat: maplibregl.LngLat, details: HTMLElement, ctx: Ctx): Promise<void> {
  const around: [maplibregl.PointLike, maplibregl.PointLike] = [[point.x - 6, point.y - 6], [point.x + 6, point.y + 6]];
  const layers = ["cases-point", "cases-cluster", "buildings-point"].filter((id) => map.getLayer(id));
  const hit = map.queryRenderedFeatures(around, { layers })[0];
  clear(details, h("p", { className: "muted" }, t("loading")));
  try {
    if (hit?.layer.id === "cases-cluster") {
      const p = hit.properties as { count: number; overdue: number };
      clear(details, h("p", { className: "cluster-info" }, t("cluster", { n: p.count, o: p.overdue })));
      map.easeTo({ center: lngLat, zoom: Math.min(map.getZoom() + 2, 16) });
      return;
    }
    if (hit?.layer.id === "cases-point") {
      const detail = await api<CaseDetail>(`/api/v1/cases/${Number(hit.properties.id)}`);
      clear(details, caseCard(detail, lang()), h("a", { href: `#/cases/${detail.id}`, className: "button" }, t("openCase")));
      return;
    }
    if (hit?.layer.id === "buildings-point") {
      clear(details, await premisesSummary(Number(hit.properties.id), ctx));
      return;
    }
    const here = await api<Located>(`/api/v1/locate?lon=${lngLat.lng.toFixed(6)}&lat=${lngLat.lat.toFixed(6)}`);
    clear(details, locatedView(here));
  } catch (e) {
    const outside = e instanceof Error && "code" in e && (e as { code: string }).code === "outside_district";
    clear(details, notice(outside ? t("outsideDistrict") : problemText(e), outside ? "info" : "error"));
  }
}

function locatedView(here: Located): HTMLElement {
  const chain = (["street", "area", "community", "micro_grid", "building_group"] as const)
    .map((level) => {
      const cell = here[level];
      const label = t(`layer.${level === "street" ? "streets" : level === "area" ? "areas" : level === "community" ? "communities" : level === "micro_grid" ? "micro_grids" : "building_groups"}` as TextKey);
      return cell ? h("li", {}, h("span", { className: "muted" }, `${label}：`), cell.name, " ", h("code", {}, cell.code)) : null;
    });
  const staff = (here.staff ?? []).map((s) =>
    h("li", {}, `${lang() === "zh" ? s.role_zh : s.role}：${s.name}`, s.phone ? ` · ${s.phone}` : ""));
  const near = here.nearest_premises?.[0];
  return h("div", { id: "grid-chain" },
    h("h3", {}, t("gridChain")), h("ol", { className: "chain" }, chain),
    staff.length ? [h("h3", {}, t("staff")), h("ul", {}, staff)] : null,
    near ? [h("h3", {}, t("nearestPremises")), h("p", {}, h("a", { href: `#/premises/${near.premises_id}` }, near.standard_address), ` (${Math.round(near.distance_m)} m)`)] : null);
}
