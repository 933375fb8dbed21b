import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from "@remix-run/react";
import { I18nextProvider } from "react-i18next";
import { can } from "../server/policy";
import { AppHeader } from "./components/AppHeader";
import { RealtimeProvider } from "./components/realtime/RealtimeProvider";
import { ErrorPage } from "./components/ErrorPage";
import { dateLocaleFor } from "./components/format";
import { useRootData } from "./components/root-data";
import { localeFromRequest, useI18n } from "./i18n";
import { useNonce } from "./utils/nonce";
import styles from "./styles/app.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Overleg" }];

/** Everything every page needs: the reader's language and who is signed in (from the session). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const locale = localeFromRequest(request);
  // A session held at the second-factor gate shows who is signed in and the sign-out, nothing else.
  const state = await context.services.sessionFromHeaders(request.headers);
  const actor = state?.actor ?? null;
  return {
    locale,
    dateLocale: dateLocaleFor(request.headers.get("accept-language"), locale),
    user: actor
      ? {
          id: actor.id,
          name: actor.name,
          email: actor.email,
          organisationName: actor.organisationName,
          organisationShortCode: actor.organisationShortCode,
          canAdmin: !state?.gate && can(actor, "admin.people"),
          gated: Boolean(state?.gate),
        }
      : null,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const { locale, user } = useRootData();
  const i18n = useI18n(locale);
  // The Content-Security-Policy runs an inline script only with this response's nonce.
  const nonce = useNonce();
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>
          <a className="skip-link" href="#main">
            {i18n.t("skipToContent")}
          </a>
          {/* Live presence, page updates and notifications (socket.io) for signed-in people; opens after hydration. */}
          <RealtimeProvider userId={user && !user.gated ? user.id : null}>
            <AppHeader user={user} locale={locale} />
            {children}
          </RealtimeProvider>
        </I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
