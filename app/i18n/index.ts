/**
 * Dutch and English for every visible string (i18next + react-i18next). Each namespace is one JSON
 * file per language in ./locales; the instance is created synchronously with all resources bundled,
 * on the server for rendering and in the browser for hydration, for the locale the root loader chose.
 */
import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import enAdmin from "./locales/en/admin.json";
import enAgendas from "./locales/en/agendas.json";
import enComments from "./locales/en/comments.json";
import enCommon from "./locales/en/common.json";
import enEditor from "./locales/en/editor.json";
import enMail from "./locales/en/mail.json";
import enIdentity from "./locales/en/identity.json";
import enRealtime from "./locales/en/realtime.json";
import enReview from "./locales/en/review.json";
import enWaiting from "./locales/en/waiting.json";
import enSections from "./locales/en/sections.json";
import nlAdmin from "./locales/nl/admin.json";
import nlAgendas from "./locales/nl/agendas.json";
import nlComments from "./locales/nl/comments.json";
import nlCommon from "./locales/nl/common.json";
import nlEditor from "./locales/nl/editor.json";
import nlMail from "./locales/nl/mail.json";
import nlIdentity from "./locales/nl/identity.json";
import nlRealtime from "./locales/nl/realtime.json";
import nlReview from "./locales/nl/review.json";
import nlWaiting from "./locales/nl/waiting.json";
import nlSections from "./locales/nl/sections.json";

import { DEFAULT_LOCALE, LOCALE_COOKIE, LOCALES, isLocale, type Locale } from "../shared/locales";

export const resources = {
  nl: { common: nlCommon, admin: nlAdmin, editor: nlEditor, realtime: nlRealtime, comments: nlComments, review: nlReview, waiting: nlWaiting, mail: nlMail, identity: nlIdentity, agendas: nlAgendas, sections: nlSections },
  en: { common: enCommon, admin: enAdmin, editor: enEditor, realtime: enRealtime, comments: enComments, review: enReview, waiting: enWaiting, mail: enMail, identity: enIdentity, agendas: enAgendas, sections: enSections },
} as const;

export function createI18n(locale: Locale): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    defaultNS: "common",
    ns: ["common", "admin", "editor", "realtime", "comments", "review", "waiting", "mail", "identity", "agendas", "sections"],
    resources,
    initAsync: false,
    showSupportNotice: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
}

/** The Set-Cookie value that keeps `locale` as the reader's choice for a year. */
export function localeCookie(locale: Locale, secure: boolean): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; Max-Age=${60 * 60 * 24 * 365}; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** The reader's locale: the cookie they chose, else their browser's Accept-Language, else Dutch. */
export function localeFromRequest(request: Request): Locale {
  const cookie = request.headers.get("cookie") ?? "";
  const chosen = cookie.match(new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([a-z]{2})`))?.[1];
  if (isLocale(chosen)) return chosen;
  const accept = request.headers.get("accept-language") ?? "";
  for (const part of accept.split(",")) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (isLocale(tag)) return tag;
  }
  return DEFAULT_LOCALE;
}
