// The console shell: login, the header with its menu and language switch, and a hash router
// (#/map, #/cases/42, …) so that the server only ever serves one page.

import "./style.css";
import { api, problemText, setToken, token, whenSessionLost } from "./api";
import { clear, h, notice } from "./dom";
import { lang, setLang, t } from "./i18n";
import { PAGE_TEXT, pagesFor, roleName, type Me, type Page } from "./roles";
import { forgetHome, renderHome } from "./pages/home";
import { renderCases } from "./pages/workbench";
import { renderIntake } from "./pages/intake";
import { renderDashboard } from "./pages/dashboard";
import { renderAdmin } from "./pages/admin";
import { renderPremises } from "./pages/premises";
import { loadDepartments } from "./departments";

export interface Ctx {
  me: Me;
  /** Route parts after the page, e.g. ["42"] for #/cases/42. */
  args: string[];
  /** The part after `?` in the hash, e.g. state=filed in #/cases?state=filed. */
  query: URLSearchParams;
  go(hash: string): void;
}

type Render = (root: HTMLElement, ctx: Ctx) => void | (() => void);
const PAGES: Record<Page | "premises", Render> = {
  home: renderHome,
  // MapLibre is large: its chunk loads only when the map is opened.
  map: (root, ctx) => {
    let stop: (() => void) | undefined;
    let gone = false;
    import("./pages/map")
      .then((m) => { if (!gone) stop = m.renderMap(root, ctx); })
      .catch((e) => root.append(notice(String(e), "error")));
    return () => { gone = true; stop?.(); };
  },
  cases: renderCases,
  intake: renderIntake,
  dashboard: renderDashboard,
  admin: renderAdmin,
  premises: renderPremises,
};

const app = document.getElementById("app") as HTMLElement;
let me: Me | null = null;
let cleanup: (() => void) | void;
let loginMessage = "";

whenSessionLost(() => {
  setToken(null);
  me = null;
  loginMessage = t("sessionExpired");
  show();
});

function header(): HTMLElement {
  const langButton = h("button", {
    type: "button",
    id: "lang",
    onclick: () => {
      setLang(lang() === "zh" ? "en" : "zh");
      show(true);
    },
  }, t("switchLang"));
  const bar = h("header", {}, h("h1", {}, h("a", { href: "#/home" }, t("title"))));
  if (me) {
    const current = route().page;
    const nav = h("nav", { "aria-label": t("mainMenu") },
      pagesFor(me).map((p) => h("a", {
        href: `#/${p}`,
        "aria-current": p === current ? "page" : undefined,
      }, t(PAGE_TEXT[p]))));
    bar.append(nav, h("span", { id: "who", className: "muted" },
      `${me.display_name} (${me.username} · ${me.roles.map((r) => roleName(r, lang())).join("、")})`));
  }
  bar.append(langButton);
  if (me) {
    bar.append(h("button", { type: "button", id: "logout", onclick: logout }, t("logout")));
  }
  return bar;
}

function route(): { page: string; args: string[]; query: URLSearchParams } {
  const [path, search = ""] = location.hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? "home", args: parts.slice(1), query: new URLSearchParams(search) };
}

async function logout(): Promise<void> {
  try {
    await api("/api/v1/auth/logout", { method: "POST" });
  } catch {
    /* the session is gone either way */
  }
  setToken(null);
  me = null;
  show();
}

function loginPage(): HTMLElement {
  const error = h("div", { id: "login-error", className: "error", role: "alert" }, loginMessage);
  const username = h("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const password = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const form = h("form", {
    id: "login-form",
    onsubmit: async (event: Event) => {
      event.preventDefault();
      error.textContent = "";
      loginMessage = "";
      try {
        const session = await api<{ token: string }>("/api/v1/auth/login", {
          body: { username: username.value, password: password.value },
        });
        setToken(session.token);
        await loadMe();
        show();
      } catch (e) {
        error.textContent = problemText(e);
      }
    },
  },
  h("label", { for: "username" }, t("username")), username,
  h("label", { for: "password" }, t("password")), password,
  h("div", {}, h("button", { type: "submit", className: "primary" }, t("signin"))),
  error);
  return h("section", { id: "login-panel", className: "card narrow" },
    h("h2", {}, t("login")), form,
    h("p", { className: "muted" }, `${t("apidocs")}: `, h("a", { href: "/api/v1/docs/" }, "/api/v1/docs")));
}

async function loadMe(): Promise<void> {
  const who = await api<Me>("/api/v1/auth/me");
  await loadDepartments(who.permissions);
  me = who;
}

/** Draws the current page; `sameData` (a language switch) reuses what the home page loaded. */
function show(sameData = false): void {
  if (!sameData) forgetHome();
  if (cleanup) cleanup();
  cleanup = undefined;
  document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
  document.title = "一网 yiwang";
  const main = h("main", { id: "main" });
  clear(app, header(), main);
  if (!me) {
    main.append(loginPage());
    (document.getElementById("username") as HTMLInputElement | null)?.focus();
    return;
  }
  const { page, args, query } = route();
  const allowed = pagesFor(me) as string[];
  const render = PAGES[page as Page];
  if (!render || (page !== "premises" && !allowed.includes(page))) {
    main.append(notice(t("notAllowed"), "error"));
    return;
  }
  main.dataset.page = page;
  const pageText = page in PAGE_TEXT ? t(PAGE_TEXT[page as Page]) : page === "premises" ? t("premises") : "";
  document.title = pageText ? `${pageText} · 一网 yiwang` : "一网 yiwang";
  cleanup = render(main, { me, args, query, go: (hash) => { location.hash = hash; } });
}

window.addEventListener("hashchange", () => {
  if (me) show();
});

async function boot(): Promise<void> {
  if (token()) {
    try {
      await loadMe();
    } catch {
      setToken(null);
    }
  }
  show();
}

void boot();
