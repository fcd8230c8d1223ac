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
  if (typeof value === "number" && !Number.isInteger(value)) {
    return key === "lon" || key === "lat" ? value.toFixed(6) : String(Math.round(value * 10) / 10);
  }
  const pair = (key === "kind" || key === "use_kind") ? VALUES[String(value)] : undefined;
  return pair ? pair[lang() === "zh" ? 0 : 1] : String(value);
}

function fieldName(key: string): string {
  const pair = FIELDS[key];
  return pair ? pair[lang() === "zh" ? 0 : 1] : key;
}

interface Registers {
  rooms: number;
  residents: { person_type: string; count: number }[] | null;
  dwellings: { use_kind: string; count: number; area_m2: number }[];
  units_total: number;
  units: { uscc: string; name: string; industry: string; address: string }[];
  attestations: { end: string; fact: string; value: string; attested_at: string; attester?: string | null }[];
}

const REGISTER_WORDS: Record<string, [string, string]> = {
  registered: ["户籍", "registered"], migrant: ["来沪", "from elsewhere"], overseas: ["境外", "from abroad"],
  owner_occupied: ["自住", "owner-occupied"], rented: ["出租", "rented"], vacant: ["空置", "vacant"],
  commercial: ["商用", "commercial"],
  approval: ["审批端", "approval"], management: ["管理端", "management"], property: ["物业端", "property"],
  business: ["营商端", "business"],
  exists: ["存在", "exists"], use: ["用途", "use"], occupant: ["使用人", "occupant"], lease: ["租赁", "lease"],
  property_manager: ["物业", "property manager"],
};

function word(key: string): string {
  const pair = REGISTER_WORDS[key];
  return pair ? pair[lang() === "zh" ? 0 : 1] : key;
}

/** The registries under the premises: counts, units and the attestations the account may read. */
function registersSection(r: Registers, address: string): HTMLElement {
  // In the registries' own order (户籍, 来沪, 境外; 自住, 出租, 空置, 商用), not the API's.
  const order = Object.keys(REGISTER_WORDS);
  const counts = (items: [string, number][]) => items.length
    ? items.slice().sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([k, n]) => `${word(k)} ${n}`).join(" · ")
    : t("none");
  const area = r.dwellings.reduce((sum, d) => sum + d.area_m2, 0);
  return h("section", { id: "premises-registers" },
    h("h3", {}, t("registers")),
    h("table", { className: "facts" }, h("tbody", {},
      h("tr", {}, h("th", {}, t("roomsInside")), h("td", { dataset: { key: "rooms" } }, String(r.rooms))),
      r.residents ? h("tr", {}, h("th", {}, t("residents")),
        h("td", { dataset: { key: "residents" } }, counts(r.residents.map((x) => [x.person_type, x.count])))) : null,
      h("tr", {}, h("th", {}, t("dwellings")), h("td", { dataset: { key: "dwellings" } },
        counts(r.dwellings.map((d) => [d.use_kind, d.count])) + (area > 0 ? ` · ${Math.round(area)} m²` : ""))))),
    h("h4", {}, t("unitsHere", { n: r.units_total })),
    r.units.length ? h("ul", { id: "premises-units" }, r.units.map((u) => h("li", {},
      h("strong", {}, u.name), " ", h("span", { className: "small" },
        `${u.uscc} · ${u.industry} · ${u.address.startsWith(address) ? u.address.slice(address.length) || u.address : u.address}`)))) : null,
    h("h4", {}, t("attestations")),
    r.attestations.length
      ? h("table", { id: "premises-attestations" }, h("tbody", {}, r.attestations.map((a) => h("tr", { dataset: { end: a.end } },
        h("td", {}, word(a.end)), h("td", {}, word(a.fact)), h("td", {}, a.value),
        h("td", { className: "small" }, `${a.attested_at}${a.attester ? ` · ${a.attester}` : ""}`)))))
      : h("p", { className: "muted" }, t("noAttestations")));
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
    const [p, children, cases, registers] = await Promise.all([
      api<Premises>(`/api/v1/premises/${id}`),
      api<Premises[] | { items: Premises[] }>(`/api/v1/premises/${id}/children`).catch(() => []),
      casesAt(id, ctx, 50).catch(() => null),
      api<Registers>(`/api/v1/premises/${id}/registers`).catch(() => null),
    ]);
    const kids = Array.isArray(children) ? children : children.items ?? [];
    const rows = Object.entries(p)
      .filter(([k, v]) => v !== null && typeof v !== "object" && k !== "standard_address")
      .map(([k, v]) => h("tr", {}, h("th", {}, fieldName(k)), h("td", {},
        k === "parent_id" ? h("a", { href: `#/premises/${v}` }, `#${v}`) : valueName(k, v))));
    clear(card, h("h2", {}, t("premises")), h("p", { className: "big" }, p.standard_address),
      h("table", { className: "facts" }, h("tbody", {}, rows)),
      registers ? registersSection(registers, p.standard_address) : null,
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
