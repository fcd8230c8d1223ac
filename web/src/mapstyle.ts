// The MapLibre style of the console, drawn only from yiwang's own vector tiles
// (/tiles/{layer}/{z}/{x}/{y}.mvt). No glyphs URL: MapLibre draws labels with the browser's own
// fonts (localIdeographFontFamily for Chinese). Pure, unit-tested.

import type { LayerSpecification, StyleSpecification } from "maplibre-gl";
import type { FeatureCollection } from "geojson";

/** The layers a person can switch, bottom to top, with the style layers each one shows. */
export const SWITCHABLE = [
  { id: "streets", layers: ["streets-fill", "streets-line", "streets-label"], on: true },
  { id: "areas", layers: ["areas-line"], on: true },
  { id: "communities", layers: ["communities-line"], on: true },
  { id: "micro_grids", layers: ["micro_grids-line"], on: true },
  { id: "building_groups", layers: ["building_groups-line"], on: false },
  { id: "roads", layers: ["roads-line"], on: true },
  { id: "buildings", layers: ["buildings-point"], on: true },
  { id: "cases", layers: ["cases-cluster", "cases-cluster-count", "cases-point"], on: true },
] as const;

export type SwitchableId = (typeof SWITCHABLE)[number]["id"];

/**
 * The zooms each layer's tiles are fetched at: from the zoom where the server starts drawing it
 * (yiwang-index `min_zoom`) to one past which MapLibre scales the last tile up instead of asking
 * for more (cases turn from clusters into points at 15).
 */
export const TILE_ZOOMS: Record<SwitchableId, [number, number]> = {
  streets: [0, 14],
  areas: [0, 14],
  communities: [11, 15],
  micro_grids: [13, 16],
  building_groups: [14, 16],
  roads: [11, 16],
  buildings: [14, 16],
  cases: [0, 16],
};

/** Xuhui District, for the first view. */
export const XUHUI_CENTER: [number, number] = [121.437, 31.165];

const STREET_COLOURS = ["#e8f1fb", "#eef7ea", "#fbf3e4", "#f5ecf8", "#e9f6f5", "#fbeeee", "#f1f1e6"];

/** A grid cell as GET /api/v1/grids answers it (GeoJSON). */
export interface GridFeature {
  properties: { code: string; name: string; centroid?: [number, number] };
  geometry: { type: string; coordinates: unknown };
}

/** Points at the cells' centroids carrying their names, for labels. */
export function labelPoints(cells: GridFeature[]): FeatureCollection {
  return {
    type: "FeatureCollection",
    features: cells
      .filter((c) => c.properties.centroid)
      .map((c) => ({
        type: "Feature",
        properties: { name: c.properties.name, code: c.properties.code },
        geometry: { type: "Point", coordinates: c.properties.centroid as [number, number] },
      })),
  };
}

/** The bounding box [[west, south], [east, north]] of (multi)polygons, or null. */
export function bounds(cells: GridFeature[]): [[number, number], [number, number]] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number") {
      const [x, y] = c as number[];
      w = Math.min(w, x); e = Math.max(e, x); s = Math.min(s, y); n = Math.max(n, y);
    } else if (Array.isArray(c)) {
      c.forEach(visit);
    }
  };
  cells.forEach((cell) => visit(cell.geometry.coordinates));
  return Number.isFinite(w) ? [[w, s], [e, n]] : null;
}

/** The source of one tile layer on this server. */
export function tileUrl(origin: string, layer: string): string {
  return `${origin}/tiles/${layer}/{z}/{x}/{y}.mvt`;
}

/** The style; `visible` says which switchable layers start on. */
export function buildStyle(
  origin: string,
  visible: Partial<Record<SwitchableId, boolean>> = {},
  streets: GridFeature[] = [],
): StyleSpecification {
  const sources: StyleSpecification["sources"] = {};
  for (const { id } of SWITCHABLE) {
    const [minzoom, maxzoom] = TILE_ZOOMS[id];
    sources[id] = { type: "vector", tiles: [tileUrl(origin, id)], minzoom, maxzoom };
  }
  sources["street-labels"] = { type: "geojson", data: labelPoints(streets) };
  const on = (id: SwitchableId) => visible[id] ?? SWITCHABLE.find((s) => s.id === id)?.on ?? true;
  const vis = (id: SwitchableId) => ({ visibility: on(id) ? "visible" : "none" }) as const;
  const colourByCode: unknown = [
    "match", ["%", ["to-number", ["slice", ["get", "code"], 6, 9], 0], STREET_COLOURS.length],
    ...STREET_COLOURS.slice(0, -1).flatMap((c, i) => [i, c]),
    STREET_COLOURS[STREET_COLOURS.length - 1],
  ];
  const layers: LayerSpecification[] = [
    { id: "background", type: "background", paint: { "background-color": "#f7f8fa" } },
    {
      id: "streets-fill", type: "fill", source: "streets", "source-layer": "streets", layout: vis("streets"),
      paint: { "fill-color": colourByCode as never, "fill-opacity": 0.9 },
    },
    {
      id: "roads-line", type: "line", source: "roads", "source-layer": "roads", minzoom: 11, layout: vis("roads"),
      paint: { "line-color": "#ffffff", "line-width": ["interpolate", ["linear"], ["zoom"], 11, 1, 16, 6] },
    },
    {
      id: "building_groups-line", type: "line", source: "building_groups", "source-layer": "building_groups", minzoom: 14,
      layout: vis("building_groups"), paint: { "line-color": "#9bb3c9", "line-width": 0.5, "line-dasharray": [2, 2] },
    },
    {
      id: "micro_grids-line", type: "line", source: "micro_grids", "source-layer": "micro_grids", minzoom: 13,
      layout: vis("micro_grids"), paint: { "line-color": "#7d9cb8", "line-width": 0.7 },
    },
    {
      id: "communities-line", type: "line", source: "communities", "source-layer": "communities", minzoom: 11,
      layout: vis("communities"), paint: { "line-color": "#5b7fa3", "line-width": 1 },
    },
    {
      id: "areas-line", type: "line", source: "areas", "source-layer": "areas", layout: vis("areas"),
      paint: { "line-color": "#3d6a94", "line-width": 1.4, "line-dasharray": [4, 2] },
    },
    {
      id: "streets-line", type: "line", source: "streets", "source-layer": "streets", layout: vis("streets"),
      paint: { "line-color": "#0f4c81", "line-width": 2 },
    },
    {
      id: "buildings-point", type: "circle", source: "buildings", "source-layer": "buildings", minzoom: 14,
      layout: vis("buildings"),
      paint: {
        "circle-color": "#6b7785", "circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 14, 2.5, 18, 7],
      },
    },
    {
      id: "cases-cluster", type: "circle", source: "cases", "source-layer": "cases",
      filter: ["==", ["get", "cluster"], true], layout: vis("cases"),
      paint: {
        "circle-color": ["case", [">", ["get", "overdue"], 0], "#c62828", "#1e88e5"],
        "circle-opacity": 0.85, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
        "circle-radius": ["interpolate", ["linear"], ["get", "count"], 1, 9, 10, 13, 100, 20, 1000, 28],
      },
    },
    {
      id: "cases-cluster-count", type: "symbol", source: "cases", "source-layer": "cases",
      filter: ["==", ["get", "cluster"], true], layout: { ...vis("cases"), "text-field": ["to-string", ["get", "count"]], "text-size": 11, "text-allow-overlap": true },
      paint: { "text-color": "#ffffff" },
    },
    {
      id: "cases-point", type: "circle", source: "cases", "source-layer": "cases",
      filter: ["!=", ["get", "cluster"], true], layout: vis("cases"),
      paint: {
        "circle-color": ["case", ["==", ["get", "overdue"], true], "#c62828", "#1e88e5"],
        "circle-radius": 7, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2,
      },
    },
    {
      // One label per street, at its centroid (a GeoJSON source filled from /api/v1/grids).
      id: "streets-label", type: "symbol", source: "street-labels", maxzoom: 15, layout: {
        ...vis("streets"), "text-field": ["get", "name"], "text-size": 13, "text-font": ["sans-serif"],
      },
      paint: { "text-color": "#0f3a61", "text-halo-color": "#ffffff", "text-halo-width": 1.5 },
    },
  ];
  return { version: 8, name: "yiwang", sources, layers };
}

/** Whether a request of MapLibre goes to this server's tiles and needs the session token. */
export function needsToken(url: string, origin: string): boolean {
  return url.startsWith(`${origin}/tiles/`);
}

/** A place to open the map on, from `#/map?lon=…&lat=…&zoom=…` (e.g. a case's "show on map"). */
export function focusOf(query: URLSearchParams): { center: [number, number]; zoom: number } | null {
  const lon = Number(query.get("lon"));
  const lat = Number(query.get("lat"));
  if (!query.get("lon") || !query.get("lat") || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) return null;
  const zoom = Number(query.get("zoom") ?? 16);
  return { center: [lon, lat], zoom: Number.isFinite(zoom) ? Math.min(Math.max(zoom, 9), 19) : 16 };
}
