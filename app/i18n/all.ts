/**
 * Every language's words, registered at once: for the server (app/entry.server.tsx) and for tests,
 * never for the browser, which loads only the reader's language (app/i18n/index.ts).
 */
import type { Locale } from "../shared/locales";
import de from "./bundles/de";
import en from "./bundles/en";
import fr from "./bundles/fr";
import nl from "./bundles/nl";
import { registerMessages, type Messages } from "./index";

export const resources: Record<Locale, Messages> = { nl, en, de, fr };

for (const [locale, messages] of Object.entries(resources) as [Locale, Messages][]) registerMessages(locale, messages);
