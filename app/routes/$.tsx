import type { MetaFunction } from "@remix-run/node";
import { useRouteError } from "@remix-run/react";
import { ErrorPage } from "~/components/ErrorPage";
import { errorResponse } from "~/utils/auth.server";

/**
 * Any URL no other route knows. Answering it here, and not leaving it unmatched, lets the root loader
 * run: the 404 page is in the reader's language and has the normal header and navigation when signed in.
 * A thrown 404 response is an ordinary answer, not an error for the server log.
 */
export const meta: MetaFunction = () => [{ title: "404 · Overleg" }];

export function loader(): never {
  throw errorResponse(404, "not_found", "No page at this address.");
}

export function action(): never {
  throw errorResponse(404, "not_found", "No page at this address.");
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
