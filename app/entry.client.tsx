/**
 * Hydrates the page in the browser: Remix's default client entry, after fetching the words of the
 * page's language (its `<html lang>`, which the server rendered in) and decoding the page's data. Only
 * that language is fetched; the others never reach the browser unless the reader switches to one
 * (app/i18n/index.ts).
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

/**
 * Resolves once the page's loader data (single fetch: a stream inlined in the HTML) is decoded.
 * RemixBrowser's first render suspends until then, and a keystroke or click that reaches React in that
 * moment makes React finish the hydration at once, which a suspended root cannot: "Root did not
 * complete" (React error 345), and the page never came alive (remix-run/remix#10214). So the decoding
 * starts here, the way RemixBrowser starts it (its first call throws the decoding's promise before it
 * touches any hook), and React hydrates once it is done, without suspending (ADR 044).
 */
function pageDataDecoded(): Promise<void> {
  const context = (window as unknown as { __remixContext?: { future?: { v3_singleFetch?: boolean }; stream?: unknown } }).__remixContext;
  if (!context?.future?.v3_singleFetch || !context.stream) return Promise.resolve();
  try {
    (RemixBrowser as (props: object) => unknown)({});
  } catch (thrown) {
    if (thrown && typeof (thrown as PromiseLike<unknown>).then === "function") {
      return Promise.resolve(thrown as PromiseLike<unknown>).then(() => undefined);
    }
  }
  return Promise.resolve();
}

// Without the words the page is still readable as the server rendered it; it hydrates regardless.
const words = loadMessages(locale).catch((error: unknown) => console.warn(`The words for ${locale} could not be loaded.`, error));
void Promise.all([words, pageDataDecoded()]).then(hydrate, hydrate);
