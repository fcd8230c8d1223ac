// Hotline intake (受理): the caller's address with autocomplete and match confidence, what they
// report, then the case as the server enriched it — premises, category, deadline, where the
// responsibility matrix sends it, and a warning when it repeats an open case.

import { api, problemText } from "../api";
import { clear, h, notice } from "../dom";
import { lang, t } from "../i18n";
import { addressSearch, confidence, type Candidate } from "../search";
import { shanghaiTime, type CaseDto } from "../cases";
import { departmentLabel } from "../departments";
import type { Ctx } from "../main";

interface Preview {
  premises: IntakeAnswer["premises"];
  classification: IntakeAnswer["classification"];
  category_name: string | null;
  category_code: string | null;
  due_at: string | null;
  suggested_route: CaseDto["suggested_route"];
  duplicate_of: IntakeAnswer["duplicate_of"];
}

interface IntakeAnswer extends CaseDto {
  duplicate_of: { case_id: number; reason: string } | null;
  classification: { method: string; kind: string; code: string; name: string; confidence: number; matched: string[] } | null;
  premises: { premises_id: number; standard_address: string; score: number; level: string } | null;
  replayed: boolean;
}

const REQUEST_TYPES = ["投诉", "求助", "咨询", "举报", "建议"];

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `intake-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function renderIntake(root: HTMLElement, _ctx: Ctx): void {
  let key = newKey();
  let picked: Candidate | null = null;
  const best = h("div", { id: "address-confidence", className: "muted small", "aria-live": "polite" });
  const search = addressSearch({
    id: "intake-address",
    label: t("address"),
    required: true,
    onPick: (c) => {
      picked = c;
      best.textContent = `${c.standard_address} · ${t("matchConfidence", { p: confidence(c.score) })}`;
      schedulePreview();
    },
    onCandidates: (cs) => {
      picked = null;
      best.textContent = cs[0] ? `${cs[0].standard_address} · ${t("matchConfidence", { p: confidence(cs[0].score) })}` : t("noMatch");
    },
  });
  const text = h("textarea", { id: "intake-text", rows: 4, required: true });
  const type = h("select", { id: "intake-type" }, REQUEST_TYPES.map((r) => h("option", { value: r }, r)));
  text.addEventListener("input", () => schedulePreview());
  type.addEventListener("change", () => schedulePreview());
  const name = h("input", { id: "intake-name", autocomplete: "off" });
  const phone = h("input", { id: "intake-phone", autocomplete: "off", inputmode: "tel" });
  const result = h("div", { id: "intake-result", "aria-live": "polite" });
  // What intake would make of the call so far: category, deadline, route, a repeat.
  const preview = h("div", { id: "intake-preview", "aria-live": "polite" });
  let previewTimer: number | undefined;
  let previewAsked = 0;
  const schedulePreview = () => {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(async () => {
      const address = picked?.standard_address ?? search.input.value.trim();
      if (!address || !text.value.trim()) return;
      const mine = ++previewAsked;
      try {
        const p = await api<Preview>("/api/v1/cases/preview", { body: { text: text.value.trim(), address, request_type: type.value } });
        if (mine === previewAsked) clear(preview, previewView(p));
      } catch (err) {
        if (mine === previewAsked) clear(preview, notice(problemText(err), "error"));
      }
    }, 400);
  };
  const submit = h("button", { type: "submit", className: "primary" }, t("submitCase"));
  const form = h("form", {
    id: "intake-form",
    onsubmit: async (e: Event) => {
      e.preventDefault();
      submit.disabled = true;
      clear(result, h("p", { className: "muted" }, t("loading")));
      try {
        const body: Record<string, unknown> = {
          text: text.value.trim(),
          address: picked?.standard_address ?? search.input.value.trim(),
          request_type: type.value,
        };
        if (name.value.trim()) body.reporter_name = name.value.trim();
        if (phone.value.trim()) body.reporter_phone = phone.value.trim();
        const answer = await api<IntakeAnswer>("/api/v1/cases", { body, headers: { "Idempotency-Key": key } });
        key = newKey();
        clear(result, intakeResult(answer));
        clear(preview);
        previewAsked++;
        form.reset();
        picked = null;
        best.textContent = "";
      } catch (err) {
        clear(result, notice(problemText(err), "error"));
      } finally {
        submit.disabled = false;
      }
    },
  },
  search, best,
  h("label", { for: "intake-text" }, t("text")), text,
  h("div", { className: "row" },
    h("div", {}, h("label", { for: "intake-type" }, t("requestType")), type),
    h("div", {}, h("label", { for: "intake-name" }, t("reporterName")), name),
    h("div", {}, h("label", { for: "intake-phone" }, t("reporterPhone")), phone)),
  h("div", {}, submit));
  root.append(h("div", { className: "two-columns" },
    h("section", { className: "card" }, h("h2", {}, t("intakeTitle")), form, preview),
    h("section", { className: "card" }, result)));
  search.input.focus();
}

function routeText(route: CaseDto["suggested_route"]): string {
  if (!route) return "—";
  if (!route.assisting.length) return departmentLabel(route.lead);
  const helpers = route.assisting.map(departmentLabel);
  return lang() === "zh"
    ? `${departmentLabel(route.lead)}（${t("assisting")} ${helpers.join("、")}）`
    : `${departmentLabel(route.lead)} (${t("assisting")} ${helpers.join(", ")})`;
}

function previewView(p: Preview): HTMLElement {
  return h("div", { className: "intake-preview" },
    h("h3", {}, t("previewTitle")),
    p.duplicate_of ? notice(t("duplicateWarning", { id: p.duplicate_of.case_id, reason: p.duplicate_of.reason }), "error") : null,
    h("table", { className: "facts" }, h("tbody", {},
      h("tr", {}, h("th", {}, t("categoryGuess")), h("td", { id: "preview-category" }, p.classification
        ? `${p.classification.name} (${p.classification.code}) · ${Math.round(p.classification.confidence * 100)}%`
        : p.category_name ?? "—")),
      h("tr", {}, h("th", {}, t("deadline")), h("td", {}, shanghaiTime(p.due_at))),
      h("tr", {}, h("th", {}, t("suggestedRoute")), h("td", { id: "preview-route" }, routeText(p.suggested_route))))));
}

function intakeResult(c: IntakeAnswer): HTMLElement {
  const language = lang();
  const rows: [string, Node | string][] = [
    [t("address"), c.premises
      ? `${c.premises.standard_address}（${t("matchConfidence", { p: confidence(c.premises.score) })}）`
      : c.address ?? t("noMatch")],
    [t("categoryGuess"), c.classification
      ? `${c.classification.name} (${c.classification.code}) · ${Math.round(c.classification.confidence * 100)}%`
      : c.category_name ?? "—"],
    [t("deadline"), shanghaiTime(c.due_at)],
    [t("suggestedRoute"), h("strong", { id: "intake-route", dataset: { code: c.suggested_route?.lead ?? "" } }, routeText(c.suggested_route))],
  ];
  return h("div", { className: "intake-result", dataset: { caseId: String(c.id) } },
    notice(t("caseCreated", { no: c.case_no }), "ok"),
    c.duplicate_of ? notice(t("duplicateOf", { id: c.duplicate_of.case_id, reason: c.duplicate_of.reason }), "error") : null,
    h("table", { className: "facts" }, h("tbody", {}, rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v))))),
    h("p", {}, `${language === "zh" ? c.state_zh : c.state}`),
    h("a", { href: `#/cases/${c.id}`, className: "button", id: "open-new-case" }, t("openCase")));
}
