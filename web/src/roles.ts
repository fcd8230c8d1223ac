// What each account sees: its pages and its work queues, from the roles and permissions that
// GET /api/v1/auth/me answers. Pure functions, unit-tested.

import type { TextKey } from "./i18n";

export interface Me {
  username: string;
  display_name: string;
  org_code: string | null;
  roles: string[];
  permissions: string[];
}

export type Page = "home" | "map" | "cases" | "intake" | "dashboard" | "admin";

export const PAGE_TEXT: Record<Page, TextKey> = {
  home: "navHome",
  map: "navMap",
  cases: "navCases",
  intake: "navIntake",
  dashboard: "navDashboard",
  admin: "navAdmin",
};

/** The pages an account may open, in menu order. */
export function pagesFor(me: Pick<Me, "permissions">): Page[] {
  const can = (p: string) => me.permissions.includes(p);
  const pages: Page[] = ["home"];
  if (can("read_grids")) pages.push("map");
  if (can("read_cases")) pages.push("cases");
  if (can("intake_cases")) pages.push("intake");
  if (can("read_overview")) pages.push("dashboard");
  if (can("manage_reference_data") || can("manage_accounts")) pages.push("admin");
  return pages;
}

/** A work queue: the case states a role acts on. */
export interface Queue {
  role: string;
  states: string[];
}

// `awaiting_revisit` is the list API's name for closed cases whose caller was not yet revisited
// (回访), the 受理员's last step of the loop.
const QUEUES: Record<string, string[]> = {
  intake_operator: ["received", "verifying", "awaiting_revisit"],
  shift_leader: ["accepted", "disputed", "reported", "checked"],
  dispatcher: ["filed", "disputed"],
  department_handler: ["dispatched", "handling"],
  street_operator: ["dispatched", "handling", "verifying"],
  grid_worker: ["verifying", "reported"],
};

/** The queues of an account's roles (roles without case work have none). */
export function queuesFor(me: Pick<Me, "roles">): Queue[] {
  return me.roles.filter((r) => r in QUEUES).map((role) => ({ role, states: QUEUES[role] }));
}

/** Every case state, in the order of the loop. */
export const STATES = [
  "received", "verifying", "accepted", "filed", "dispatched", "disputed", "handling",
  "suspended", "reported", "checked", "closed", "rejected", "merged",
] as const;

const STATE_EN: Record<string, string> = {
  received: "to accept", verifying: "to verify", accepted: "to file", filed: "to dispatch",
  dispatched: "to sign for", disputed: "returned", handling: "being handled", suspended: "parked",
  reported: "to check", checked: "to close", closed: "closed", rejected: "rejected", merged: "merged",
  awaiting_revisit: "to revisit",
};
const STATE_ZH: Record<string, string> = {
  received: "待受理", verifying: "待核实", accepted: "待立案", filed: "待派遣", dispatched: "待签收",
  disputed: "退单审核", handling: "处置中", suspended: "已挂账", reported: "待核查", checked: "待结案",
  closed: "已结案", rejected: "不予受理", merged: "已并单", awaiting_revisit: "待回访",
};

export function stateName(state: string, lang: "zh" | "en"): string {
  return (lang === "zh" ? STATE_ZH : STATE_EN)[state] ?? state;
}

const ROLE_ZH: Record<string, string> = {
  admin: "系统管理员", intake_operator: "受理员", shift_leader: "值班长", dispatcher: "派遣员",
  department_handler: "部门处置人员", street_operator: "街镇操作员", grid_worker: "网格员",
  property_manager: "物业端", business_agency: "营商机构端", approval_officer: "审批端",
  district_cdo: "区首席数据官", chief_data_executive: "首席数据执行官", department_cdo: "部门首席数据官",
  data_specialist: "数据专员", street_data_assistant: "街镇数据助理", citizen: "市民",
};

/** Every role an account can hold, in the order the console lists them. */
export const ALL_ROLES: readonly string[] = Object.keys(ROLE_ZH);

export function roleName(role: string, lang: "zh" | "en"): string {
  return lang === "zh" ? (ROLE_ZH[role] ?? role) : role.replace(/_/g, " ");
}
