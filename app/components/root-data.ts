import { useRouteLoaderData } from "@remix-run/react";
import type { loader as rootLoader } from "~/root";
import { DEFAULT_LOCALE, intlLocale } from "~/shared/locales";

export type RootData = Awaited<ReturnType<typeof rootLoader>>;

/** The root loader's data (locale, signed-in person); a safe default when the root loader failed. */
export function useRootData(): RootData {
  return (
    useRouteLoaderData<typeof rootLoader>("root") ?? { locale: DEFAULT_LOCALE, dateLocale: intlLocale(DEFAULT_LOCALE), user: null }
  );
}

/** The locale tag for Intl date formatting. */
export function useDateLocale(): string {
  return useRootData().dateLocale;
}
