import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { chooseLocale } from "../../server/commands/localeChoose";
import { localeCookie } from "~/i18n";
import { LOCALES, isLocale } from "~/shared/locales";
import { safeRedirect } from "~/components/format";
import { errorResponse } from "~/utils/auth.server";

/** Nothing to show: a GET goes home. */
export async function loader(_args: LoaderFunctionArgs) {
  return redirect("/");
}

/**
 * Sets the reader's language (cookie overleg_lang, a year) and returns to the page they were on.
 * Works for signed-out readers too (the sign-in page has the switch); a signed-in person's choice is
 * also kept with them, so it follows them when they sign in on another device.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const lang = form.get("lang");
  if (!isLocale(lang)) return errorResponse(400, "invalid_language", `lang must be one of: ${LOCALES.join(", ")}.`);
  const { env } = context.services;
  const actor = await context.services.actorFromHeaders(request.headers);
  if (actor) await chooseLocale(context.services, actor, lang);
  return redirect(safeRedirect(form.get("redirectTo")), {
    headers: { "set-cookie": localeCookie(lang, env.PUBLIC_URL.startsWith("https://")) },
  });
}
