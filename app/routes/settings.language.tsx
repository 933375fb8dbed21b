import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { LOCALE_COOKIE, isLocale } from "~/i18n";
import { safeRedirect } from "~/components/format";
import { errorResponse } from "~/utils/auth.server";

const ONE_YEAR = 60 * 60 * 24 * 365;

/** Nothing to show: a GET goes home. */
export async function loader(_args: LoaderFunctionArgs) {
  return redirect("/");
}

/**
 * Sets the reader's language (cookie overleg_lang, a year) and returns to the page they were on.
 * Works for signed-out readers too (the sign-in page has the switch).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  if (!isLocale(lang)) return errorResponse(400, "invalid_language", "lang must be one of: nl, en.");
  const secure = context.services.env.PUBLIC_URL.startsWith("https://") ? "; Secure" : "";
  return redirect(safeRedirect(form.get("redirectTo")), {
    headers: { "set-cookie": `${LOCALE_COOKIE}=${lang}; Path=/; Max-Age=${ONE_YEAR}; SameSite=Lax${secure}` },
  });
}
