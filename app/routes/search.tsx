/**
 * Search: the texts, comments and version names the signed-in person may read (server/views/search.ts
 * asks the policy for every hit). A GET form, so a search is a link; filters by agenda, workspace,
 * status and lead organisation. Snippets are plain-text parts, the matched words in <mark>.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { describeIssues } from "../../server/errors";
import { listWorkspacesFor } from "../../server/views/workspaces";
import { listAgendasFor } from "../../server/views/agendas";
import { searchFor } from "../../server/views/search";
import { SECTION_STATUSES } from "../shared/domain";
import { searchQuerySchema, type SearchAnswer } from "../shared/search";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { StatusBadge } from "~/components/StatusBadge";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { requireActor } from "~/utils/auth.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "search.title")) }];

const FILTERS = ["q", "agenda", "workspace", "status", "organisation", "offset"] as const;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const url = new URL(request.url);
  const asked: Record<string, string> = {};
  for (const key of FILTERS) {
    const value = url.searchParams.get(key);
    if (value) asked[key] = value;
  }
  const [agendas, workspaces] = await Promise.all([listAgendasFor(database, actor), listWorkspacesFor(database, actor)]);
  const organisations = [...new Map(workspaces.flatMap((w) => (w.leadOrganisation ? [[w.leadOrganisation.id, w.leadOrganisation] as const] : []))).values()].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const options = {
    agendas: agendas.map((a) => ({ id: a.id, title: a.title })),
    workspaces: workspaces.map((w) => ({ id: w.id, title: w.title })),
    organisations: organisations.map((o) => ({ id: o.id, name: o.name })),
  };
  if (!asked.q?.trim()) return { asked, options, answer: null as SearchAnswer | null, invalid: null as string | null };
  const parsed = searchQuerySchema.safeParse(asked);
  if (!parsed.success) return { asked, options, answer: null, invalid: describeIssues(parsed.error) };
  return { asked, options, answer: await searchFor(database, actor, parsed.data), invalid: null };
}

export default function SearchPage() {
  const { asked, options, answer, invalid } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const offset = answer ? Number(asked.offset ?? 0) || 0 : 0;
  const pageLink = (to: number) => `/search?${new URLSearchParams({ ...asked, offset: String(to) })}`;
  return (
    <main id="main" className="page search-page" tabIndex={-1}>
      <Breadcrumbs items={[{ label: t("nav.dashboard"), to: "/" }, { label: t("search.title") }]} />
      <h1>{t("search.title")}</h1>
      <Form method="get" role="search" aria-label={t("search.label")} className="search-form">
        <div className="field">
          <label htmlFor="search-q">{t("search.label")}</label>
          <input id="search-q" name="q" type="search" defaultValue={asked.q ?? ""} maxLength={200} placeholder={t("search.placeholder")} autoComplete="off" />
        </div>
        <fieldset className="search-form__filters">
          <legend>{t("search.filters")}</legend>
          <Select name="agenda" label={t("search.agenda")} value={asked.agenda} any={t("search.any")} options={options.agendas.map((a) => [a.id, a.title])} />
          <Select name="workspace" label={t("search.workspace")} value={asked.workspace} any={t("search.any")} options={options.workspaces.map((w) => [w.id, w.title])} />
          <Select name="status" label={t("search.status")} value={asked.status} any={t("search.any")} options={SECTION_STATUSES.map((s) => [s, t(`status.${s}`)])} />
          <Select name="organisation" label={t("search.organisation")} value={asked.organisation} any={t("search.any")} options={options.organisations.map((o) => [o.id, o.name])} />
        </fieldset>
        <button type="submit" className="button">
          {t("search.submit")}
        </button>
      </Form>

      {invalid ? (
        <p role="alert" className="form-error">
          {t("search.invalid", { message: invalid })}
        </p>
      ) : null}
      {!answer && !invalid ? <p className="muted search-page__empty">{t("search.empty")}</p> : null}
      {answer ? (
        <section aria-labelledby="search-results" className="search-results">
          <h2 id="search-results" className="visually-hidden">
            {t("search.results")}
          </h2>
          <p role="status" className="search-results__count" data-total={answer.total}>
            {answer.total === 0
              ? t("search.none", { query: answer.query })
              : answer.more
                ? t("search.countMore", { count: answer.total, query: answer.query })
                : t("search.count", { count: answer.total, query: answer.query })}
          </p>
          {answer.results.length ? (
            <ol className="search-results__list" start={offset + 1}>
              {answer.results.map((r) => (
                <li key={`${r.kind}:${r.id}`} className="search-result" data-kind={r.kind}>
                  <p className="search-result__title">
                    <span className="search-result__kind">{t(`search.kind.${r.kind}`)}</span>{" "}
                    <Link to={r.href}>{r.section.title}</Link> <span className="muted">{t("search.in", { workspace: r.workspace.title })}</span>{" "}
                    <StatusBadge status={r.section.status} />
                  </p>
                  <p className="search-result__snippet">
                    {r.snippet.map((part, i) => (part.hit ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
                  </p>
                </li>
              ))}
            </ol>
          ) : null}
          {answer.total > 20 ? (
            <nav className="search-results__pages" aria-label={t("search.results")}>
              {offset > 0 ? <Link to={pageLink(Math.max(0, offset - 20))}>{t("search.previous")}</Link> : null}{" "}
              {offset + 20 < answer.total ? <Link to={pageLink(offset + 20)}>{t("search.next")}</Link> : null}
            </nav>
          ) : null}
        </section>
      ) : null}
    </main>
  );
}

function Select({ name, label, value, any, options }: { name: string; label: string; value?: string; any: string; options: [string, string][] }) {
  const id = `search-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">{any}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} />;
}
