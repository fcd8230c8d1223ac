// The premises dossier (一楼一档): the standard address, kind and what is inside.

import { api, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { lang, t } from "../i18n";
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

function fieldName(key: string): string {
  const pair = FIELDS[key];
  return pair ? pair[lang() === "zh" ? 0 : 1] : key;
}

/** A short dossier for the map's side panel. */
export async function premisesSummary(id: number, _ctx: Ctx): Promise<HTMLElement> {
  const p = await api<Premises>(`/api/v1/premises/${id}`);
  return h("div", { className: "premises-summary" },
    h("h3", {}, t("premises")),
    h("p", {}, h("strong", {}, p.standard_address)),
    p.name ? h("p", {}, p.name) : null,
    h("p", { className: "muted" }, `${t("kind")}：${p.kind}`),
    h("a", { href: `#/premises/${p.id}`, className: "button" }, t("openDossier")));
}

export function renderPremises(root: HTMLElement, ctx: Ctx): void {
  const id = Number(ctx.args[0]);
  const card = h("section", { id: "premises", className: "card" }, h("h2", {}, t("premises")), h("p", {}, t("loading")));
  root.append(card);
  (async () => {
    const [p, children] = await Promise.all([
      api<Premises>(`/api/v1/premises/${id}`),
      api<Premises[] | { items: Premises[] }>(`/api/v1/premises/${id}/children`).catch(() => []),
    ]);
    const kids = Array.isArray(children) ? children : children.items ?? [];
    const rows = Object.entries(p)
      .filter(([k, v]) => v !== null && typeof v !== "object" && k !== "standard_address")
      .map(([k, v]) => h("tr", {}, h("th", {}, fieldName(k)), h("td", {},
        k === "parent_id" ? h("a", { href: `#/premises/${v}` }, `#${v}`) : String(v))));
    clear(card, h("h2", {}, t("premises")), h("p", { className: "big" }, p.standard_address),
      h("table", { className: "facts" }, h("tbody", {}, rows)),
      kids.length ? [h("h3", {}, `${t("children")} (${kids.length})`),
        h("ul", { className: "columns" }, kids.slice(0, 200).map((c) => h("li", {}, h("a", { href: `#/premises/${c.id}` }, c.standard_address))))] : null);
  })().catch((e) => clear(card, h("h2", {}, t("premises")), notice(problemText(e), "error")));
}
