// Case logic the workbench needs: which inputs an action asks for, how to word a deadline, how
// to build a queue's query string. Pure functions, unit-tested.

import type { Lang } from "./i18n";

export interface CaseDto {
  id: number;
  case_no: string;
  source: string;
  category_kind: string | null;
  category_code: string | null;
  category_name: string | null;
  request_type: string | null;
  text: string;
  address: string | null;
  premises_id: number | null;
  lon: number | null;
  lat: number | null;
  street_code: string | null;
  grid_code: string | null;
  department_code: string | null;
  state: string;
  state_zh: string;
  priority: string;
  reporter_name: string | null;
  reporter_phone: string | null;
  created_at: string;
  due_at: string | null;
  closed_at: string | null;
  satisfaction: string | null;
  reply: string | null;
  parent_id: number | null;
  supervised: boolean;
  time_limit_amount: number | null;
  time_limit_unit: string | null;
  stage: string | null;
  stage_due_at: string | null;
  deadline_status: string | null;
  stage_status: string | null;
  allowed_actions: string[];
  suggested_route: { lead: string; assisting: string[] } | null;
}

export interface TimelineEvent {
  at: string;
  action: string;
  action_zh: string;
  actor: string;
  from_state: string | null;
  to_state: string;
  detail: Record<string, unknown> | null;
}

export type CaseDetail = CaseDto & { timeline: TimelineEvent[] };

/** One input an action asks for. */
export type Field =
  | { name: "reply" | "reason" | "comment"; kind: "text"; required: boolean }
  | { name: "department" | "category_code"; kind: "line"; required: boolean }
  | { name: "parent_id" | "extension"; kind: "number"; required: boolean }
  | { name: "satisfaction"; kind: "choice"; options: string[]; required: boolean }
  | { name: "outcome"; kind: "choice"; options: string[]; required: boolean };

/** The inputs the state machine needs for `action` (see yiwang-core workflow/actions.rs). */
export function actionFields(action: string): Field[] {
  switch (action) {
    case "answer":
    case "report":
      return [{ name: "reply", kind: "text", required: true }];
    case "handle":
      return [{ name: "comment", kind: "text", required: false }];
    case "reject":
    case "return":
    case "refuse_return":
    case "rework":
    case "deny":
    case "suspend":
      return [{ name: "reason", kind: "text", required: true }];
    case "extend":
      return [
        { name: "extension", kind: "number", required: true },
        { name: "reason", kind: "text", required: true },
      ];
    case "file":
      return [{ name: "category_code", kind: "line", required: false }];
    case "dispatch":
      return [{ name: "department", kind: "line", required: false }];
    case "reassign":
      return [{ name: "department", kind: "line", required: true }];
    case "revisit":
      return [{ name: "satisfaction", kind: "choice", options: ["satisfied", "basically_satisfied", "unsatisfied"], required: true }];
    case "verify":
      return [{ name: "outcome", kind: "choice", options: ["confirmed", "not_found", "unable"], required: true }];
    case "merge":
      return [{ name: "parent_id", kind: "number", required: true }];
    case "comment":
      return [{ name: "comment", kind: "text", required: true }];
    default:
      return [];
  }
}

/** The body of POST /cases/{id}/actions from the values typed into an action's form. */
export function actionBody(action: string, values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = { action };
  for (const field of actionFields(action)) {
    const raw = (values[field.name] ?? "").trim();
    if (!raw) continue;
    if (field.name === "extension") body.extension = { amount: Number(raw), unit: "working_day" };
    else if (field.kind === "number") body[field.name] = Number(raw);
    else body[field.name] = raw;
  }
  return body;
}

/** Which required inputs are still empty. */
export function missingFields(action: string, values: Record<string, string>): string[] {
  return actionFields(action)
    .filter((f) => f.required && !(values[f.name] ?? "").trim())
    .map((f) => f.name);
}

const ACTION_EN: Record<string, string> = {
  accept: "Accept", request_verification: "Ask for verification", verify: "Verify", reject: "Reject",
  answer: "Answer directly", file: "File", dispatch: "Dispatch", sign: "Sign for", return: "Return",
  reassign: "Reassign", refuse_return: "Refuse the return", handle: "Record handling", report: "Report back",
  check: "Check on site", rework: "Send back for rework", close: "Close", revisit: "Record the revisit",
  extend: "Ask for more time", suspend: "Ask to park", approve: "Approve the request", deny: "Deny the request",
  resume: "Resume", supervise: "Supervise (督办)", merge: "Merge", comment: "Comment",
};
const ACTION_ZH: Record<string, string> = {
  accept: "受理", request_verification: "核实派发", verify: "核实", reject: "不予受理", answer: "直接答复",
  file: "立案", dispatch: "派遣", sign: "签收", return: "退单", reassign: "改派", refuse_return: "驳回退单",
  handle: "处置", report: "反馈", check: "核查", rework: "返工", close: "结案", revisit: "回访",
  extend: "申请延期", suspend: "申请挂账", approve: "批准申请", deny: "驳回申请", resume: "恢复处置",
  supervise: "督办", merge: "并单", comment: "备注",
};

export function actionName(action: string, lang: Lang): string {
  return (lang === "zh" ? ACTION_ZH : ACTION_EN)[action] ?? action;
}

/** A time as Shanghai wall-clock `2026-11-27 18:00`. */
export function shanghaiTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const local = new Date(ms + 8 * 3600 * 1000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 16)}`;
}

/** "2 天 3 小时后到期" / "超期 5 小时" and the English. */
export function remaining(due: string | null | undefined, now: Date, lang: Lang): string {
  if (!due) return "";
  const ms = Date.parse(due) - now.getTime();
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const zh = days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${minutes} 分` : `${minutes} 分钟`;
  const en = days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
  if (ms >= 0) return lang === "zh" ? `剩余 ${zh}` : `${en} left`;
  return lang === "zh" ? `已超期 ${zh}` : `overdue by ${en}`;
}

/** The query string of a queue: states, filters, paging. */
export function queueQuery(filters: {
  q?: string;
  states?: string[];
  street?: string;
  department?: string;
  source?: string;
  overdue?: boolean;
  supervised?: boolean;
  limit?: number;
  offset?: number;
}): string {
  const q = new URLSearchParams();
  if (filters.q?.trim()) q.set("q", filters.q.trim());
  if (filters.states?.length) q.set("state", filters.states.join(","));
  if (filters.street) q.set("street", filters.street);
  if (filters.department) q.set("department", filters.department);
  if (filters.source) q.set("source", filters.source);
  if (filters.overdue) q.set("overdue", "true");
  if (filters.supervised) q.set("supervised", "true");
  q.set("limit", String(filters.limit ?? 50));
  if (filters.offset) q.set("offset", String(filters.offset));
  return q.toString();
}

const UNIT_ZH: Record<string, string> = {
  working_day: "个工作日", working_hour: "个工作时", natural_day: "个自然日", urgent_hour: "小时（紧急）",
};
const UNIT_EN: Record<string, string> = {
  working_day: "working days", working_hour: "working hours", natural_day: "days", urgent_hour: "hours (urgent)",
};

/** A statutory time limit in words: `5 个工作日`, `5 working days`. */
export function timeLimitText(amount: number | null, unit: string | null, lang: Lang): string {
  if (amount === null || !unit) return "";
  const word = (lang === "zh" ? UNIT_ZH : UNIT_EN)[unit] ?? unit;
  return lang === "zh" ? `${amount} ${word}` : `${amount} ${word}`;
}

/** How long a step took after the one before it: `2 小时 5 分`, `3 d 4 h`; empty under a minute. */
export function elapsed(fromIso: string, toIso: string, lang: Lang): string {
  const ms = Date.parse(toIso) - Date.parse(fromIso);
  if (!(ms >= 60_000)) return "";
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  if (lang === "zh") return days > 0 ? `${days} 天 ${hours} 小时` : hours > 0 ? `${hours} 小时 ${minutes} 分` : `${minutes} 分钟`;
  return days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}
