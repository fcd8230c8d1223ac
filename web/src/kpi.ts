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
