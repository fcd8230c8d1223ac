// Department and street-office names by code (GET /api/v1/departments), loaded once per login,
// so that screens say 区绿化市容局 rather than XH-LRJ.

import { api } from "./api";
import { lang } from "./i18n";

interface Department { code: string; name: string; short_name: string | null }

let names = new Map<string, string>();

export async function loadDepartments(permissions: string[]): Promise<void> {
  names = new Map();
  if (!permissions.includes("read_departments")) return;
  try {
    const all = await api<Department[]>("/api/v1/departments");
    names = new Map(all.map((d) => [d.code, d.short_name || d.name]));
  } catch {
    /* codes are shown instead */
  }
}

/** `区绿化市容局 (XH-LRJ)` in Chinese, the code first in English; the code alone when unknown. */
export function departmentLabel(code: string | null | undefined): string {
  if (!code) return "—";
  const name = names.get(code);
  if (!name) return code;
  return lang() === "zh" ? `${name} (${code})` : `${code} ${name}`;
}

/** Every known department as [code, name], for pickers. */
export function departmentOptions(): [string, string][] {
  return [...names.entries()];
}
