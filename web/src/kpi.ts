// KPI figures for the dashboard. Pure, unit-tested.

export interface KpiRow {
  group: string;
  group_name: string;
  counts: Record<string, number>;
  kpis: Record<string, number | null>;
}

export interface KpiReport {
  by: string;
  from: string;
  to: string;
  rows: KpiRow[];
  total: KpiRow;
}

/** The columns of the KPI table: counts first, then rates. */
export const KPI_COLUMNS = [
  { key: "received", from: "counts" },
  { key: "closed", from: "counts" },
  { key: "revisited", from: "counts" },
  { key: "overdue_open", from: "counts" },
  { key: "on_time_closed_rate", from: "kpis" },
  { key: "closed_rate", from: "kpis" },
  { key: "satisfaction_rate", from: "kpis" },
  { key: "rework_rate", from: "kpis" },
  { key: "repeat_rate", from: "kpis" },
] as const;

/** A rate (0–1) as `87.5%`, a count as is, a missing rate (nothing due) as `—`. */
export function formatFigure(value: number | null | undefined, rate: boolean): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (!rate) return String(value);
  return `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
}

export function figure(row: KpiRow, column: (typeof KPI_COLUMNS)[number]): string {
  const source = column.from === "counts" ? row.counts : row.kpis;
  return formatFigure(source?.[column.key], column.from === "kpis");
}

/** The first day of the current year and today, in Shanghai, as YYYY-MM-DD. */
export function defaultPeriod(now: Date): { from: string; to: string } {
  const local = new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  return { from: `${local.slice(0, 4)}-01-01`, to: local };
}

export type Preset = "month" | "quarter" | "year" | "last30";

/** A named period up to today, in Shanghai dates: this month, quarter, year, or the last 30 days. */
export function presetPeriod(preset: Preset, now: Date): { from: string; to: string } {
  const local = new Date(now.getTime() + 8 * 3600 * 1000);
  const to = local.toISOString().slice(0, 10);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth();
  const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);
  switch (preset) {
    case "month":
      return { from: day(year, month, 1), to };
    case "quarter":
      return { from: day(year, month - (month % 3), 1), to };
    case "year":
      return { from: day(year, 0, 1), to };
    case "last30":
      return { from: day(year, month, local.getUTCDate() - 29), to };
  }
}
