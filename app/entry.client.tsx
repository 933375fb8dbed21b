/**
 * Hydrates the page in the browser: Remix's default client entry, after fetching the words of the
 * page's language (its `<html lang>`, which the server rendered in). Only that language is fetched;
 * the others never reach the browser unless the reader switches to one (app/i18n/index.ts).
 */
import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { loadMessages } from "./i18n";
import { DEFAULT_LOCALE, isLocale } from "./shared/locales";

const lang = document.documentElement.lang;
const locale = isLocale(lang) ? lang : DEFAULT_LOCALE;

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <RemixBrowser />
      </StrictMode>,
    );
  });
}

// Without the words the page is still readable as the server rendered it; hydrate regardless.
loadMessages(locale).then(hydrate, (error: unknown) => {
  console.warn(`The words for ${locale} could not be loaded.`, error);
  hydrate();
});
