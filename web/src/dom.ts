// A tiny DOM builder: h("button", {type: "button", onclick}, "text").

type Leaf = Node | string | number | null | undefined | false;
export type Child = Leaf | Child[];
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (name === "dataset" && typeof value === "object") {
      Object.assign(el.dataset, value);
    } else if (name === "className") {
      el.className = String(value);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: Child[]): void {
  for (const child of children.flat(Infinity as 1) as Leaf[]) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "number" ? String(child) : child);
  }
}

export function clear(el: HTMLElement, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A status line that screen readers announce; `kind` colours it. */
export function notice(text: string, kind: "error" | "ok" | "info" = "info"): HTMLElement {
  return h("div", { className: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
