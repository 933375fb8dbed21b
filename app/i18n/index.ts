/**
 * The interface's words in every language Overleg speaks (i18next + react-i18next). Each namespace is
 * one JSON file per language in ./locales, gathered per language in ./bundles/<locale>.ts.
 *
 * Only the reader's language reaches the browser: the server registers every language at start
 * (./all.ts, imported by app/entry.server.tsx), the browser loads the one bundle of the page's
 * `<html lang>` before it hydrates (app/entry.client.tsx) and another only when the reader changes
 * language (useI18n). An i18next instance is created synchronously from what is registered.
 */
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { useEffect, useMemo, useRef, useState } from "react";
import type messagesShape from "./bundles/en";
import { DEFAULT_LOCALE, LOCALE_COOKIE, LOCALES, isLocale, type Locale } from "../shared/locales";

/** One language's words: every namespace, as in ./bundles/<locale>.ts. */
export type Messages = typeof messagesShape;

export const NAMESPACES = ["common", "admin", "editor", "realtime", "comments", "review", "waiting", "mail", "identity", "agendas", "sections"] as const;

const registered = new Map<Locale, Messages>();

/** Makes `locale`'s words available to createI18n (the same words again change nothing). */
export function registerMessages(locale: Locale, messages: Messages): void {
  registered.set(locale, messages);
}

/** Whether `locale`'s words are here: on the server always, in the browser once loaded. */
export function hasMessages(locale: Locale): boolean {
  return registered.has(locale);
}

// One chunk per language; Vite turns each into its own file fetched on demand.
const bundles = import.meta.glob<{ default: Messages }>("./bundles/*.ts");

/** Fetches and registers `locale`'s words (in the browser; on the server they are registered at start). */
export async function loadMessages(locale: Locale): Promise<void> {
  if (registered.has(locale)) return;
  const load = bundles[`./bundles/${locale}.ts`];
  if (!load) throw new Error(`No words for the locale ${locale}.`);
  registerMessages(locale, (await load()).default);
}

/**
 * An i18next instance for `locale`, from the registered words. When they are not registered (a
 * browser that has not loaded them yet) it speaks a registered language instead, the default first.
 */
export function createI18n(locale: Locale): I18n {
  const lng = registered.has(locale) ? locale : registered.has(DEFAULT_LOCALE) ? DEFAULT_LOCALE : ([...registered.keys()][0] ?? locale);
  const resources: Partial<Record<Locale, Messages>> = {};
  for (const l of new Set([lng, DEFAULT_LOCALE])) {
    const messages = registered.get(l);
    if (messages) resources[l] = messages;
  }
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    defaultNS: "common",
    ns: [...NAMESPACES],
    resources,
    initAsync: false,
    showSupportNotice: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/**
 * The i18next instance for the page's language. When the reader's language changes in the browser
 * (a choice, a sign-in) and its words are not loaded yet, the page keeps its current language until
 * they are, then renders again.
 */
export function useI18n(locale: Locale): I18n {
  const available = hasMessages(locale);
  const shown = useRef(locale);
  if (available) shown.current = locale;
  const [, setLoaded] = useState(0);
  useEffect(() => {
    if (available) return;
    let current = true;
    loadMessages(locale).then(
      () => current && setLoaded((n) => n + 1),
      (error: unknown) => console.warn(`The words for ${locale} could not be loaded.`, error),
    );
    return () => {
      current = false;
    };
  }, [locale, available]);
  const lng = available ? locale : shown.current;
  return useMemo(() => createI18n(lng), [lng]);
}

/** The Set-Cookie value that keeps `locale` as the reader's choice for a year. */
export function localeCookie(locale: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/**
 * The reader's locale: the cookie they chose, else the language their browser prefers most (by its
 * Accept-Language weights) among those Overleg speaks, else Dutch.
 */
export function localeFromRequest(request: Request): Locale {
  const cookie = request.headers.get("cookie") ?? "";
  const chosen = cookie.match(new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([a-z]{2})`))?.[1];
  if (isLocale(chosen)) return chosen;
  return localeFromAcceptLanguage(request.headers.get("accept-language"));
}

/** The language Overleg speaks that an Accept-Language header weighs highest, else Dutch. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  let best: Locale = DEFAULT_LOCALE;
  let bestQ = 0;
  for (const part of (header ?? "").split(",")) {
    const [range, ...params] = part.trim().split(";");
    const tag = range.trim().slice(0, 2).toLowerCase();
    if (!isLocale(tag)) continue;
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = weight ? Number(weight.slice(2)) : 1;
    // The first of equal weights wins: browsers list languages in the reader's order.
    if (Number.isFinite(q) && q > bestQ) {
      best = tag;
      bestQ = q;
    }
  }
  return best;
}
