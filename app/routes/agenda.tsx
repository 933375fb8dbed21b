import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { useActionResult } from "~/utils/use-action-result";
import { useTranslation } from "react-i18next";
import { can } from "../../server/policy";
import { CommandError } from "../../server/services/errors";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { agendaRollup } from "../../server/views/agenda";
import { EXPORT_FORMATS } from "../shared/exports";
import { formatDay } from "~/components/format";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { ActionMessage } from "~/components/review/ActionMessage";
import { field, runCommand } from "~/components/review/actions.server";
import type { ActionResult } from "~/utils/action-result";
import { useDateLocale } from "~/components/root-data";
import { AgendaRollupPanel } from "~/components/review/AgendaRollup";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import { listWorkspacesFor } from "../../server/views/workspaces";
import { requireActor } from "~/utils/auth.server";
import { stepUpFromForm, stepUpNeeded } from "~/utils/step-up.server";
import { StepUpField } from "~/components/auth/StepUpField";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "review:agenda.title")) }];

/** The whole agenda against its publication date; publishing (minister's office) and downloads. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const [rollup, workspaces] = await Promise.all([agendaRollup(database, actor), listWorkspacesFor(database, actor)]);
  return {
    rollup,
    workspaceIds: workspaces.map((w) => w.id),
    mayPublish: can(actor, "workspace.publish", { role: null, approverOrganisation: false }),
    stepUpNeeded: stepUpNeeded(actor),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = await request.formData();
  const intent = field(form, "intent");
  if (intent !== "publish") {
    return runCommand(intent, async () => {
      throw new CommandError("unknown_intent", "Unknown action.", 400);
    });
  }
  return runCommand(intent, async () =>
    publishAgenda(context.services, { actor: await stepUpFromForm(request, context, form, actor), workspaceId: null }),
  );
}

export default function AgendaPage() {
  const { rollup, workspaceIds, mayPublish, stepUpNeeded } = useLoaderData<typeof loader>();
  const result = useActionResult<ActionResult>();
  const { t } = useTranslation("review");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  useLiveRevalidate(workspaceIds);
  return (
    <main id="main" className="page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("agenda.title")}</h1>
        <p className="lede">{t("agenda.intro")}</p>
      </div>
      <AgendaRollupPanel rollup={rollup} />
      <section className="panel" aria-labelledby="downloads-title">
        <h2 id="downloads-title">{t("agenda.downloads")}</h2>
        {!rollup.readyToPublish ? <p className="muted">{t("agenda.draftNotice")}</p> : null}
        <ul className="export-links">
          {EXPORT_FORMATS.map((f) => (
            <li key={f}>
              <a className="button" href={`/agenda/export?format=${f}`} download data-export={f}>
                {t(`format.${f}`)}
              </a>
            </li>
          ))}
        </ul>
      </section>
      {mayPublish ? (
        <section className="panel" aria-labelledby="publish-title">
          <h2 id="publish-title">{t("agenda.publish")}</h2>
          <p>{rollup.published ? t("agenda.isPublished") : rollup.readyToPublish ? t("agenda.ready") : t("agenda.notReady")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <StepUpField needed={stepUpNeeded} result={result} intent="publish" id="publish-code" />
            <button type="submit" className="button button--primary" disabled={busy || !rollup.readyToPublish || rollup.published}>
              {t("agenda.publishSubmit")}
            </button>
          </Form>
          <ActionMessage result={result} intent="publish" />
        </section>
      ) : null}
      {rollup.publicationDate ? (
        <p className="muted">
          {t("agenda.publicationDate")}: {formatDay(rollup.publicationDate, dateLocale)}
        </p>
      ) : null}
      <p>
        <Link to="/">{tc("nav.dashboard")}</Link>
      </p>
    </main>
  );
}
