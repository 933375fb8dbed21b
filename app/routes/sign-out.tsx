import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "signOut.title")) }];

/** GET shows a confirmation (a link must never sign anyone out); signed-out readers go to sign-in. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!(await context.services.sessionFromHeaders(request.headers))) throw redirect("/sign-in");
  return null;
}

/** Ends the session in better-auth and clears its cookie, then shows the sign-in page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const out = new Headers();
  const response = await context.services.auth.api
    .signOut({ headers: request.headers, asResponse: true })
    .catch(() => null);
  for (const cookie of response?.headers.getSetCookie() ?? []) out.append("set-cookie", cookie);
  throw redirect("/sign-in", { headers: out });
}

export default function SignOut() {
  const { t } = useTranslation();
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel">
        <h1>{t("signOut.title")}</h1>
        <p>{t("signOut.intro")}</p>
        <Form method="post">
          <button type="submit" className="button button--primary">
            {t("signOut.submit")}
          </button>
        </Form>
      </section>
    </main>
  );
}
