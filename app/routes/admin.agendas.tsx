import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionResult, useResetAfterSuccess } from "~/utils/use-action-result";
import { Form, Link, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { createAgenda } from "../../server/commands/agendaCreate";
import { setAgendaOwners } from "../../server/commands/agendaOwnersSet";
import { setAgendaArchived } from "../../server/commands/agendaArchive";
import { CommandError } from "../../server/errors";
import { agendaOwnersUnchecked, listAgendasFor, peopleToChoose } from "../../server/views/agendas";
import { listOrganisationsUnchecked } from "../../server/views/admin";
import { AgendaMessage } from "~/components/agenda/AgendaMessage";
import { PeoplePicker, personOptions } from "~/components/agenda/PeoplePicker";
import { field, runCommand } from "~/components/review/actions.server";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";
import type { ActionResult } from "~/utils/action-result";
import { requireAdmin } from "~/utils/admin.server";
import { guard } from "~/utils/auth.server";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "agendas:admin.title")) }];

/** The agendas of this installation: create one, name and change its owners (admins). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.workspaces");
  const { database } = context.services;
  const [agendas, people, organisations] = await Promise.all([
    listAgendasFor(database, actor, { includeArchived: true }),
    guard(() => peopleToChoose(database, actor, { owner: false, seesWorkspace: false }, "agenda.setOwners")),
    listOrganisationsUnchecked(context.services),
  ]);
  const owners = await Promise.all(agendas.map((a) => agendaOwnersUnchecked(database, a.id)));
  return {
    agendas: agendas.map((a, i) => ({ id: a.id, title: a.title, language: a.language, publicationDate: a.publicationDate, ownerIds: owners[i].map((o) => o.userId), ownerNames: owners[i].map((o) => o.name), archived: a.archivedAt !== null })),
    people: personOptions(people),
    organisations: organisations.map((o) => ({ id: o.id, name: o.name })),
  };
}

const list = (form: FormData, name: string) => form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.workspaces");
  const form = await request.formData();
  const intent = field(form, "intent");
  if (intent === "create") {
    return runCommand(intent, () =>
      createAgenda(context.services, {
        actor,
        input: {
          title: field(form, "title"),
          description: field(form, "description"),
          publicationDate: field(form, "publicationDate"),
          language: field(form, "language") || "nl",
          ownerOrganisationId: field(form, "ownerOrganisationId"),
          ownerIds: list(form, "ownerIds"),
        },
      }),
    );
  }
  if (intent === "owners") {
    return runCommand(intent, () => setAgendaOwners(context.services, { actor, agendaId: field(form, "agendaId"), ownerIds: list(form, "ownerIds") }));
  }
  if (intent === "archiveAgenda" || intent === "restoreAgenda") {
    return runCommand(intent, () => setAgendaArchived(context.services, { actor, agendaId: field(form, "agendaId"), archived: intent === "archiveAgenda" }));
  }
  return runCommand(intent, async () => {
    throw new CommandError("unknown_intent", "Unknown action.", 400);
  });
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

function OwnersRow({ agenda, people }: { agenda: Data["agendas"][number]; people: Data["people"] }) {
  const { t } = useTranslation("agendas");
  const fetcher = useFetcher<ActionResult>();
  const archive = useFetcher<ActionResult>();
  const id = `owners-${agenda.id}`;
  return (
    <tr data-agenda-id={agenda.id}>
      <th scope="row">
        <Link to={`/a/${agenda.id}`}>{agenda.title}</Link>
      </th>
      <td>{t(`language.${agenda.language}`)}</td>
      <td data-testid="owner-names">{agenda.ownerNames.join(", ") || "—"}</td>
      <td data-testid="agenda-status">
        {agenda.archived ? t("admin.archivedStatus") : t("admin.open")}
        <archive.Form method="post">
          <input type="hidden" name="intent" value={agenda.archived ? "restoreAgenda" : "archiveAgenda"} />
          <input type="hidden" name="agendaId" value={agenda.id} />
          <button type="submit" className={agenda.archived ? "button button--small" : "button button--small button--danger"} disabled={archive.state !== "idle"}>
            {t(agenda.archived ? "archive.restore" : "archive.submit")}
            <span className="visually-hidden"> {agenda.title}</span>
          </button>
        </archive.Form>
        <AgendaMessage result={archive.data} intent="archiveAgenda" />
        <AgendaMessage result={archive.data} intent="restoreAgenda" />
      </td>
      <td>
        <details>
          <summary>
            {t("admin.changeOwners")}
            <span className="visually-hidden"> {agenda.title}</span>
          </summary>
          <fetcher.Form method="post">
            <input type="hidden" name="intent" value="owners" />
            <input type="hidden" name="agendaId" value={agenda.id} />
            <PeoplePicker id={id} name="ownerIds" label={t("settings.owners")} people={people} chosen={agenda.ownerIds} />
            <button type="submit" className="button">
              {t("form.save")}
            </button>
          </fetcher.Form>
          <AgendaMessage result={fetcher.data} intent="owners" />
        </details>
      </td>
    </tr>
  );
}

export default function AdminAgendas() {
  const { agendas, people, organisations } = useLoaderData<typeof loader>();
  const result = useActionResult<ActionResult>();
  const createForm = useResetAfterSuccess(result, "create");
  const { t } = useTranslation("agendas");
  const busy = useNavigation().state !== "idle";
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <h1>{t("admin.title")}</h1>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t("form.title")}</th>
            <th scope="col">{t("settings.language")}</th>
            <th scope="col">{t("settings.owners")}</th>
            <th scope="col">{t("admin.status")}</th>
            <th scope="col">
              <span className="visually-hidden">{t("admin.changeOwners")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {agendas.map((a) => (
            <OwnersRow key={a.id} agenda={a} people={people} />
          ))}
        </tbody>
      </table>
      <section className="panel" aria-labelledby="new-agenda-title">
        <h2 id="new-agenda-title">{t("admin.create")}</h2>
        <Form method="post" ref={createForm}>
          <input type="hidden" name="intent" value="create" />
          <div className="field">
            <label htmlFor="agenda-title">{t("form.title")}</label>
            <input id="agenda-title" name="title" required maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor="agenda-description">{t("form.description")}</label>
            <textarea id="agenda-description" name="description" rows={3} />
          </div>
          <div className="field">
            <label htmlFor="agenda-date">{t("settings.publicationDate")}</label>
            <input id="agenda-date" name="publicationDate" type="date" />
          </div>
          <div className="field">
            <label htmlFor="agenda-language">{t("settings.language")}</label>
            <select id="agenda-language" name="language" defaultValue="nl">
              <option value="nl">{t("language.nl")}</option>
              <option value="en">{t("language.en")}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="agenda-org">{t("settings.ownerOrganisation")}</label>
            <select id="agenda-org" name="ownerOrganisationId" defaultValue="">
              <option value="">{t("form.none")}</option>
              {organisations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <PeoplePicker id="agenda-owners" name="ownerIds" label={t("settings.owners")} people={people} />
          </div>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("admin.createSubmit")}
          </button>
        </Form>
        <AgendaMessage result={result} intent="create" />
      </section>
    </main>
  );
}
