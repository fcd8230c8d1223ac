// An address box with autocomplete from POST /api/v1/address/match: type, pick with the arrow
// keys and Enter (or the mouse); each candidate shows its match confidence.

import { api, problemText } from "./api";
import { clear, h } from "./dom";
import { t } from "./i18n";

export interface Candidate {
  premises_id: number | null;
  standard_address: string;
  score: number;
  level: string;
  reasons: string[];
}

export interface SearchOptions {
  id: string;
  label: string;
  onPick(candidate: Candidate): void;
  /** Called with every answer (e.g. to show the best confidence). */
  onCandidates?(candidates: Candidate[]): void;
  required?: boolean;
}

/** Percent shown for a matcher score (0–1). */
export function confidence(score: number): number {
  return Math.round(Math.max(0, Math.min(1, score)) * 100);
}

export function addressSearch(options: SearchOptions): HTMLElement & { input: HTMLInputElement } {
  const listId = `${options.id}-list`;
  const input = h("input", {
    id: options.id, type: "search", role: "combobox", autocomplete: "off", required: options.required,
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId,
    placeholder: t("searchPlaceholder"),
  });
  const list = h("ul", { id: listId, role: "listbox", className: "suggestions", hidden: true });
  const message = h("div", { className: "muted small", "aria-live": "polite" });
  let candidates: Candidate[] = [];
  let active = -1;
  let timer: number | undefined;
  let asked = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const pick = (c: Candidate) => {
    input.value = c.standard_address;
    close();
    options.onPick(c);
  };
  const highlight = () => {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) input.setAttribute("aria-activedescendant", `${listId}-${active}`);
  };
  const ask = async (text: string) => {
    const mine = ++asked;
    try {
      const answer = await api<{ candidates: Candidate[] }>("/api/v1/address/match", { body: { address: text, limit: 5 } });
      if (mine !== asked) return;
      candidates = answer.candidates ?? [];
      options.onCandidates?.(candidates);
      clear(list, candidates.map((c, i) => h("li", {
        id: `${listId}-${i}`, role: "option", "aria-selected": "false",
        onmousedown: (e: Event) => { e.preventDefault(); pick(c); },
      }, c.standard_address, " ", h("span", { className: "score" }, t("matchConfidence", { p: confidence(c.score) })))));
      list.hidden = candidates.length === 0;
      input.setAttribute("aria-expanded", String(!list.hidden));
      message.textContent = candidates.length ? "" : t("noMatch");
    } catch (e) {
      if (mine === asked) message.textContent = problemText(e);
    }
  };
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) {
      close();
      return;
    }
    timer = window.setTimeout(() => void ask(text), 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && candidates.length) {
      event.preventDefault();
      list.hidden = false;
      active = (active + 1) % candidates.length;
      highlight();
    } else if (event.key === "ArrowUp" && candidates.length) {
      event.preventDefault();
      active = (active - 1 + candidates.length) % candidates.length;
      highlight();
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      pick(candidates[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 100));
  const box = h("div", { className: "search" }, h("label", { for: options.id }, options.label), input, list, message);
  return Object.assign(box, { input });
}
