/** Links a person types into the editor. Pure. */

/**
 * A link target a person typed: http(s) and mailto only. A bare domain becomes https://, a bare
 * e-mail address mailto:. Returns null for anything else (javascript:, data:, relative paths…).
 */
export function normaliseLink(input: string): string | null {
  const value = input.trim();
  if (!value || /\s/.test(value)) return null;
  if (/^[^@/:]+@[^@/:]+\.[^@/:]+$/.test(value)) return `mailto:${value}`;
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : /^[\w-]+(\.[\w-]+)+([/?#].*)?$/.test(value) ? `https://${value}` : null;
  if (!candidate) return null;
  try {
    const url = new URL(candidate);
    if (url.protocol === "mailto:") return url.pathname.includes("@") ? candidate : null;
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.hostname ? url.toString() : null;
  } catch {
    return null;
  }
}
