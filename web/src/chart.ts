// Bar charts for the dashboard, drawn as inline SVG (no chart library, nothing fetched).
// `bars` is pure and unit-tested; `barChart` only draws what it returns.

export interface Bar {
  label: string;
  value: number;
  text: string;
  /** Offset and width of the bar, as fractions of the plot's width. */
  width: number;
}

/**
 * The bars of `items` (label, value, its text): values missing or not finite are left out, the
 * longest bar fills the plot, and at most `limit` bars are kept — the largest ones, unless
 * `keepOrder` (a time series keeps its order and its latest `limit`).
 */
export function bars(items: { label: string; value: number | null | undefined; text: string }[],
  limit: number, keepOrder: boolean): Bar[] {
  const present = items.filter((i): i is { label: string; value: number; text: string } =>
    typeof i.value === "number" && Number.isFinite(i.value));
  const kept = keepOrder ? present.slice(-limit) : present.slice().sort((a, b) => b.value - a.value).slice(0, limit);
  const max = Math.max(0, ...kept.map((i) => i.value));
  return kept.map((i) => ({ ...i, width: max > 0 ? Math.max(0, i.value) / max : 0 }));
}

const SVG = "http://www.w3.org/2000/svg";

function el(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A horizontal bar chart of `data`, titled `title` (its accessible name). */
export function barChart(title: string, data: Bar[]): SVGElement {
  const row = 22;
  const labelWidth = 180;
  const plot = 420;
  const height = Math.max(1, data.length) * row + 8;
  const svg = el("svg", {
    viewBox: `0 0 ${labelWidth + plot + 70} ${height}`, role: "img", "aria-label": title, class: "bar-chart",
  });
  svg.append(el("title", {}, title));
  data.forEach((d, i) => {
    const y = 4 + i * row;
    const g = el("g", { "data-label": d.label });
    g.append(
      el("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end", class: "bar-label" },
        d.label.length > 14 ? `${d.label.slice(0, 13)}…` : d.label),
      el("rect", { x: labelWidth, y: y + 3, height: row - 8, width: Math.max(1, d.width * plot), class: "bar" }),
      el("text", { x: labelWidth + d.width * plot + 6, y: y + 15, class: "bar-value" }, d.text),
    );
    svg.append(g);
  });
  return svg;
}
