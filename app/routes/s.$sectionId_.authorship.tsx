import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteError } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { organisationColour } from "../shared/collab";
import { sectionAuthorship } from "../../server/views/authorship";
import { SectionBreadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { workspaceDetail } from "~/components/queries.server";
import { pageTitle } from "~/components/translate";
import { guard, requireActor } from "~/utils/auth.server";
import "~/components/review/review.css";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `${data.section.title} · who wrote what` : undefined) }];

/** Who wrote what: the current text coloured by the organisation (or person) that last wrote each part. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const sectionId = params.sectionId ?? "";
  // The view asks the policy itself (server/views/authorship.ts).
  const { section, blocks, authors } = await guard(() => sectionAuthorship(database, actor, sectionId));
  const workspace = await workspaceDetail(database, section.workspaceId);
  return {
    workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
    section: { id: section.id, title: section.title },
    blocks,
    authors,
  };
}

type By = "organisation" | "person";

export default function AuthorshipPage() {
  const { workspace, section, blocks, authors } = useLoaderData<typeof loader>();
  const { t } = useTranslation("review");
  const [by, setBy] = useState<By>("organisation");
  const [only, setOnly] = useState<string>("");
  const groupOf = (key: string) => {
    const author = authors.find((a) => a.key === key);
    if (!author || !author.key) return "";
    return by === "organisation" ? `o:${author.organisationId ?? ""}` : `p:${author.personId ?? ""}`;
  };
  const groups = new Map<string, { label: string; colour: string }>();
  for (const a of authors) {
    const group = groupOf(a.key);
    if (groups.has(group)) continue;
    const label = !a.key
      ? t("authorship.unknown")
      : by === "organisation"
        ? (a.organisationName ?? a.organisationShortCode ?? "—")
        : `${a.name ?? "—"}${a.organisationShortCode ? ` (${a.organisationShortCode})` : ""}`;
    const colour = !a.key ? "#8c959f" : organisationColour(by === "organisation" ? (a.organisationShortCode ?? a.organisationId) : a.personId);
    groups.set(group, { label, colour });
  }
  const shown = only && groups.has(only) ? only : "";
  return (
    <main id="main" className="page" tabIndex={-1}>
      <SectionBreadcrumbs workspace={workspace} section={section} after={[{ label: t("authorship.title") }]} />
      <div className="page-heading">
        <h1>
          {t("authorship.title")}: {section.title}
        </h1>
        <p className="muted">{t("authorship.intro")}</p>
        <p>
          <Link to={`/s/${section.id}`}>{t("review.backToText")}</Link> · <Link to={`/s/${section.id}/history`}>{t("history.title")}</Link>
        </p>
      </div>
      <div className="columns">
        <section className="columns__main" aria-label={t("authorship.title")}>
          {blocks.length === 0 ? (
            <p className="muted">{t("authorship.empty")}</p>
          ) : (
            <div className="prose authorship" data-authorship>
              {blocks.map((block, i) => {
                const Tag = block.type === "heading" ? "h2" : "p";
                return (
                  <Tag key={i} className="authorship__block">
                    {block.runs.map((run, j) => {
                      const group = groupOf(run.author);
                      const info = groups.get(group);
                      const lit = !shown || shown === group;
                      return (
                        <span
                          key={j}
                          className={lit ? "authorship__run" : "authorship__run authorship__run--dim"}
                          data-author={run.author}
                          data-group={group}
                          title={info ? t("authorship.writtenBy", { name: info.label }) : undefined}
                          style={lit && info ? { background: `${info.colour}26`, borderBottom: `2px solid ${info.colour}` } : undefined}
                        >
                          {run.text}
                        </span>
                      );
                    })}
                  </Tag>
                );
              })}
            </div>
          )}
        </section>
        <aside className="columns__side panel stack" aria-labelledby="authorship-legend">
          <fieldset className="stack-form">
            <legend>{t("authorship.colourBy")}</legend>
            {(["organisation", "person"] as const).map((value) => (
              <label key={value}>
                <input
                  type="radio"
                  name="by"
                  value={value}
                  checked={by === value}
                  onChange={() => {
                    setBy(value);
                    setOnly("");
                  }}
                />{" "}
                {value === "organisation" ? t("authorship.byOrganisation") : t("authorship.byPerson")}
              </label>
            ))}
          </fieldset>
          <div className="stack-form">
            <label htmlFor="authorship-only">{t("authorship.show")}</label>
            <select id="authorship-only" value={shown} onChange={(e) => setOnly(e.target.value)}>
              <option value="">{t("authorship.everyone")}</option>
              {[...groups].map(([group, info]) => (
                <option key={group} value={group}>
                  {info.label}
                </option>
              ))}
            </select>
            {shown ? <p className="muted">{t("authorship.dimmed")}</p> : null}
          </div>
          <h2 id="authorship-legend">{t("authorship.legend")}</h2>
          <ul className="authorship-legend" data-legend>
            {[...groups].map(([group, info]) => (
              <li key={group} data-group={group}>
                <span className="authorship-legend__swatch" aria-hidden="true" style={{ background: `${info.colour}26`, borderColor: info.colour }} />
                {info.label}
              </li>
            ))}
          </ul>
        </aside>
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="section" />;
}
