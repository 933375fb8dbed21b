import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { agendaReading } from "../../server/views/agendas";
import { sectionLinkTargets } from "../../server/views/sections";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { StatusBadge } from "~/components/StatusBadge";
import { formatDay } from "~/components/format";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { useDateLocale } from "~/components/root-data";
import { storedSectionHtml } from "~/components/section/section-html.server";
import { pageTitle } from "~/components/translate";
import { guard, requireActor } from "~/utils/auth.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.agenda.title) }];

/**
 * The whole agenda as one reading view (ADR 031): a table of contents, then every section the reader
 * may read of every workspace, in order, with its status and (where the reader may) a link to edit it.
 * Printable: each workspace starts on a page of its own.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const agendaId = params.agendaId ?? "";
  const reading = await guard(() => agendaReading(database, actor, agendaId));
  const targets = await sectionLinkTargets(database, actor, agendaId);
  const workspaces = [];
  for (const w of reading.workspaces) {
    const sections = [];
    for (const s of w.sections) sections.push({ ...s, text: await storedSectionHtml(database, s.id, targets) });
    workspaces.push({ ...w, sections });
  }
  const { agenda } = reading;
  return {
    agenda: { id: agenda.id, title: agenda.title, description: agenda.description, publicationDate: agenda.publicationDate, language: agenda.language },
    workspaces,
  };
}

export default function AgendaReadingPage() {
  const { agenda, workspaces } = useLoaderData<typeof loader>();
  const { t } = useTranslation("agendas");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  useLiveRevalidate(
    workspaces.map((w) => w.id),
    [agenda.id],
  );
  return (
    <main id="main" className="page agenda-reading" tabIndex={-1} data-agenda-id={agenda.id}>
      <Breadcrumbs items={[{ label: tc("nav.dashboard"), to: "/" }, { label: agenda.title, to: `/a/${agenda.id}` }, { label: t("read.title") }]} />
      <header className="agenda-reading__title">
        <h1>{agenda.title}</h1>
        {agenda.description ? <p className="lede">{agenda.description}</p> : null}
        {agenda.publicationDate ? (
          <p className="muted">
            {t("settings.publicationDate")}: {formatDay(agenda.publicationDate, dateLocale)}
          </p>
        ) : null}
        <p className="agenda-reading__actions">
          <button type="button" className="button" onClick={() => window.print()}>
            {t("read.print")}
          </button>
        </p>
      </header>

      <nav className="agenda-reading__toc" aria-labelledby="toc-title">
        <h2 id="toc-title">{t("read.contents")}</h2>
        {workspaces.length ? (
          <ol>
            {workspaces.map((w) => (
              <li key={w.id}>
                <a href={`#w-${w.id}`}>{w.title}</a>
                {w.sections.length ? (
                  <ol>
                    {w.sections.map((s) => (
                      <li key={s.id}>
                        <a href={`#s-${s.id}`}>{s.title}</a> <StatusBadge status={s.status} />
                      </li>
                    ))}
                  </ol>
                ) : null}
              </li>
            ))}
          </ol>
        ) : (
          <p className="muted">{t("dashboard.noWorkspaces")}</p>
        )}
      </nav>

      {workspaces.map((w) => (
        <section key={w.id} className="agenda-reading__workspace" aria-labelledby={`w-${w.id}`} data-workspace-id={w.id}>
          <h2 id={`w-${w.id}`}>{w.title}</h2>
          {w.description ? <p className="lede">{w.description}</p> : null}
          {w.sections.length ? null : <p className="muted">{t("read.noSections")}</p>}
          {w.sections.map((s) => (
            <article key={s.id} className="agenda-reading__section" aria-labelledby={`s-${s.id}`} data-section-id={s.id}>
              <div className="agenda-reading__section-heading">
                <h3 id={`s-${s.id}`}>{s.title}</h3>
                <StatusBadge status={s.status} />
                <Link className="agenda-reading__edit" to={`/s/${s.id}`}>
                  {t(s.mayEdit ? "read.edit" : "read.open")}
                  <span className="visually-hidden"> {s.title}</span>
                </Link>
              </div>
              {s.text.empty ? (
                <p className="muted">{tc("section.emptyText")}</p>
              ) : (
                <div className="prose" lang={agenda.language} dangerouslySetInnerHTML={{ __html: s.text.html }} />
              )}
            </article>
          ))}
        </section>
      ))}
    </main>
  );
}
