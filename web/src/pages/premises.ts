// The premises dossier (一楼一档): the standard address, kind and what is inside.

import { api, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { lang, t } from "../i18n";
import { shanghaiTime, type CaseDto } from "../cases";
import type { Ctx } from "../main";

interface Premises {
  id: number;
  kind: string;
  standard_address: string;
  name?: string | null;
  lon?: number | null;
  lat?: number | null;
  [key: string]: unknown;
}

const FIELDS: Record<string, [string, string]> = {
  id: ["编号", "Id"], parent_id: ["上级房屋", "Inside"], kind: ["类型", "Kind"], name: ["名称", "Name"],
  use_kind: ["用途", "Use"], road: ["道路", "Road"], lon: ["经度", "Longitude"], lat: ["纬度", "Latitude"],
  floor_area_m2: ["建筑面积 (m²)", "Floor area (m²)"], street_code: ["街镇", "Street"],
  community_code: ["居民区", "Community"], grid_code: ["楼组", "Building group"], children: ["下级房屋数", "Premises inside"],
};

const VALUES: Record<string, [string, string]> = {
  compound: ["小区（弄）", "compound"], building: ["楼栋", "building"], floor: ["楼层", "floor"], room: ["房间", "room"],
  residential: ["住宅", "residential"], office: ["办公", "office"], retail: ["商铺", "retail"],
  industrial: ["工业", "industrial"], public: ["公共设施", "public"], mixed: ["混合", "mixed"],
};

function valueName(key: string, value: unknown): string {
  const pair = (key === "kind" || key === "use_kind") ? VALUES[String(value)] : undefined;
  return pair ? pair[lang() === "zh" ? 0 : 1] : String(value);
}

function fieldName(key: string): string {
  const pair = FIELDS[key];
  return pair ? pair[lang() === "zh" ? 0 : 1] : key;
}

/** The cases located at the premises (newest first), when the account may read cases. */
async function casesAt(id: number, ctx: Ctx, limit: number): Promise<{ total: number; items: CaseDto[] } | null> {
  if (!ctx.me.permissions.includes("read_cases")) return null;
  return api<{ total: number; items: CaseDto[] }>(`/api/v1/cases?premises=${id}&limit=${limit}`);
}

/** A short dossier for the map's side panel. */
export async function premisesSummary(id: number, ctx: Ctx): Promise<HTMLElement> {
  const [p, cases] = await Promise.all([api<Premises>(`/api/v1/premises/${id}`), casesAt(id, ctx, 1)]);
  return h("div", { className: "premises-summary" },
    h("h3", {}, t("premises")),
    h("p", {}, h("strong", {}, p.standard_address)),
    p.name ? h("p", {}, p.name) : null,
    h("p", { className: "muted" }, `${t("kind")}：${valueName("kind", p.kind)}`),
    cases ? h("p", { className: "muted" }, t("casesHere", { n: cases.total })) : null,
    h("a", { href: `#/premises/${p.id}`, className: "button" }, t("openDossier")));
}

export function renderPremises(root: HTMLElement, ctx: Ctx): void {
  const id = Number(ctx.args[0]);
  const card = h("section", { id: "premises", className: "card" }, h("h2", {}, t("premises")), h("p", {}, t("loading")));
  root.append(card);
  (async () => {
    const [p, children, cases] = await Promise.all([
      api<Premises>(`/api/v1/premises/${id}`),
      api<Premises[] | { items: Premises[] }>(`/api/v1/premises/${id}/children`).catch(() => []),
      casesAt(id, ctx, 50).catch(() => null),
    ]);
    const kids = Array.isArray(children) ? children : children.items ?? [];
    const rows = Object.entries(p)
      .filter(([k, v]) => v !== null && typeof v !== "object" && k !== "standard_address")
      .map(([k, v]) => h("tr", {}, h("th", {}, fieldName(k)), h("td", {},
        k === "parent_id" ? h("a", { href: `#/premises/${v}` }, `#${v}`) : valueName(k, v))));
    clear(card, h("h2", {}, t("premises")), h("p", { className: "big" }, p.standard_address),
      h("table", { className: "facts" }, h("tbody", {}, rows)),
      cases ? [h("h3", {}, t("casesHere", { n: cases.total })),
        cases.items.length
          ? h("ul", { className: "cases", id: "premises-cases" }, cases.items.map((c) => h("li", {},
            h("a", { href: `#/cases/${c.id}` }, h("span", { className: "case-no" }, c.case_no), " ",
              h("span", { className: "state" }, lang() === "zh" ? c.state_zh : c.state), " ",
              h("span", { className: "small" }, `${c.category_name ?? ""} · ${shanghaiTime(c.created_at)}`)))))
          : null] : null,
      kids.length ? [h("h3", {}, `${t("children")} (${kids.length})`),
        h("ul", { className: "columns", id: "premises-children" }, kids
          .slice()
          .sort((a, b) => a.standard_address.localeCompare(b.standard_address, "zh-CN", { numeric: true }))
          .slice(0, 500)
          .map((c) => h("li", {}, h("a", { href: `#/premises/${c.id}` },
            c.standard_address.startsWith(p.standard_address) ? c.standard_address.slice(p.standard_address.length) || c.standard_address : c.standard_address))))] : null);
  })().catch((e) => clear(card, h("h2", {}, t("premises")), notice(problemText(e), "error")));
}
