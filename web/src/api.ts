// The one way the console talks to yiwang: JSON over fetch with the session's bearer token.
// Errors arrive as application/problem+json ({code, title, detail}); `problemText` turns them
// into a sentence a person can act on.

import { hasText, t, type Lang } from "./i18n";

const TOKEN_KEY = "yiwang.token";

export interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
  allowed_actions?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
  }
  get code(): string {
    return this.problem.code ?? (this.status === 0 ? "network" : "unknown");
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called when the server says the session is gone (set by the app shell). */
let onSessionLost: () => void = () => {};
export function whenSessionLost(handler: () => void): void {
  onSessionLost = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    const problem = (body ?? {}) as Problem;
    if (response.status === 401 && path !== "/api/v1/auth/login" && bearer) onSessionLost();
    throw new ApiError(response.status, problem);
  }
  return body as T;
}

/**
 * What to tell a person about a failed request: our own sentence for the codes people meet,
 * followed by the server's detail (which names the field or state concerned).
 */
export function problemText(error: unknown, language?: Lang): string {
  if (!(error instanceof ApiError)) return String(error instanceof Error ? error.message : error);
  const key = `problem.${error.code}`;
  const ours = hasText(key) ? t(key, {}, language) : "";
  const detail = error.problem.detail || error.problem.title || "";
  if (!ours) return detail || `HTTP ${error.status}`;
  if (!detail || error.code === "network") return ours;
  return ours.endsWith("：") || ours.endsWith(": ") ? ours + detail : `${ours}（${detail}）`;
}

/** Downloads a file the API makes (e.g. KPIs as XLSX) with the session's token. */
export async function download(path: string, filename: string): Promise<void> {
  const bearer = token();
  let response: Response;
  try {
    response = await fetch(path, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
  } catch {
    throw new ApiError(0, { code: "network" });
  }
  if (!response.ok) {
    let problem: Problem = {};
    try {
      problem = (await response.json()) as Problem;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, problem);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
