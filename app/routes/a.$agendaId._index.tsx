import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionResult, useResetAfterSuccess } from "~/utils/use-action-result";
import { Form, Link, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { can } from "../../server/policy";
import { CommandError } from "../../server/errors";
import { publishAgenda } from "../../server/commands/agendaPublish";
import { stepUpFromForm, stepUpNeeded } from "~/utils/step-up.server";
import { StepUpField } from "~/components/auth/StepUpField";
import { updateAgenda } from "../../server/commands/agendaUpdate";
import { createWorkspace } from "../../server/commands/workspaceCreate";
import { updateWorkspace } from "../../server/commands/workspaceUpdate";
import { reorderWorkspaces } from "../../server/commands/workspaceReorder";
import { setWorkspaceArchived } from "../../server/commands/workspaceArchive";
import { setAgendaArchived } from "../../server/commands/agendaArchive";
import { agendaRollup, ledBy } from "../../server/views/agenda";
import { SECTION_STATUSES, type SectionStatus } from "../shared/domain";
import { agendaPage, peopleToChoose } from "../../server/views/agendas";
import { listOrganisationsUnchecked } from "../../server/views/admin";
import { EXPORT_FORMATS } from "../shared/exports";
import { AgendaMessage } from "~/components/agenda/AgendaMessage";
import { PeoplePicker, personOptions } from "~/components/agenda/PeoplePicker";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { Deadline } from "~/components/Deadline";
import { daysUntil, formatDay } from "~/components/format";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { ActionMessage } from "~/components/review/ActionMessage";
import { AgendaRollupPanel } from "~/components/review/AgendaRollup";
import { field, runCommand } from "~/components/review/actions.server";
import { useDateLocale } from "~/components/root-data";
import { pageTitle } from "~/components/translate";
import type { ActionResult } from "~/utils/action-result";
import { guard, requireActor } from "~/utils/auth.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.agenda.title) }];

/** One agenda: its workspaces in order, its settings for its owners, its roll-up, downloads and publication. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { database } = context.services;
  const agendaId = params.agendaId ?? "";
  const page = await guard(() => agendaPage(database, actor, agendaId));
  const manages = page.abilities["agenda.manageWorkspaces"];
  // The roll-up's counters link here filtered: by lead organisation ("none": without one) and by section status.
  const url = new URL(request.url);
  const organisationFilter = url.searchParams.get("organisation") || undefined;
  const statusParam = url.searchParams.get("status");
  const statusFilter = SECTION_STATUSES.includes(statusParam as SectionStatus) ? (statusParam as SectionStatus) : undefined;
  const filtered = organisationFilter !== undefined || statusFilter !== undefined;
  const shown = page.workspaces.filter((w) => ledBy(w, organisationFilter) && (!statusFilter || w.sections.some((s) => s.status === statusFilter)));
  const organisationName =
    organisationFilter === undefined || organisationFilter === "none"
      ? null
      : (page.workspaces.find((w) => w.leadOrganisation?.id === organisationFilter)?.leadOrganisation?.name ?? null);
  const [rollup, people, organisations] = await Promise.all([
    agendaRollup(database, actor, { agendaId, leadOrganisationId: organisationFilter }),
    manages ? peopleToChoose(database, actor, page.facts, "agenda.manageWorkspaces") : Promise.resolve([]),
    manages || page.abilities["agenda.update"] ? listOrganisationsUnchecked(context.services) : Promise.resolve([]),
  ]);
  const summary = (w: (typeof page.workspaces)[number]) => ({
    id: w.id,
    title: w.title,
    description: w.description,
    deadline: w.deadline,
    daysLeft: w.deadline ? daysUntil(w.deadline) : null,
    lead: w.leadOrganisation,
    sectionCount: w.sections.length,
    archivedAt: w.archivedAt,
  });
  return {
    agenda: { ...page.agenda, archivedAt: page.agenda.archivedAt ? new Date(page.agenda.archivedAt).toISOString() : null },
    owners: page.owners.map((o) => ({ userId: o.userId, name: o.name })),
    abilities: page.abilities,
    workspaces: shown.filter((w) => w.archivedAt === null).map(summary),
    filter: filtered ? { organisation: organisationFilter ?? null, organisationName, status: statusFilter ?? null } : null,
    archived: page.workspaces.filter((w) => w.archivedAt !== null).map(summary),
    rollup,
    people: personOptions(people),
    organisations: organisations.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
    mayPublish: can(actor, "workspace.publish", { role: null, approverOrganisation: false, agendaOwner: false, archived: false }),
    stepUpNeeded: stepUpNeeded(actor),
  };
}

const list = (form: FormData, name: string) => form.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");

/** Every change made on this page; each command asks the policy itself. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const agendaId = params.agendaId ?? "";
  const form = await request.formData();
  const intent = field(form, "intent");
  const services = context.services;
  const json = (name: string): unknown => {
    try {
      return JSON.parse(field(form, name)) as unknown;
    } catch {
      return null;
    }
  };
  switch (intent) {
    case "settings":
      return runCommand(intent, () =>
        updateAgenda(services, {
          actor,
          agendaId,
          input: {
            title: field(form, "title"),
            description: field(form, "description"),
            publicationDate: field(form, "publicationDate"),
            language: field(form, "language"),
            ownerOrganisationId: field(form, "ownerOrganisationId"),
            consultation: field(form, "consultation") === "on",
            requireDispositions: field(form, "requireDispositions") === "on",
          },
        }),
      );
    case "createWorkspace":
      return runCommand(intent, () =>
        createWorkspace(services, {
          actor,
          agendaId,
          input: {
            title: field(form, "title"),
            description: field(form, "description"),
            leadOrganisationId: field(form, "leadOrganisationId"),
            deadline: field(form, "deadline"),
            approverOrganisationIds: list(form, "approverOrganisationIds"),
            members: [
              ...list(form, "ownerIds").map((userId) => ({ userId, role: "owner" })),
              ...list(form, "editorIds").map((userId) => ({ userId, role: "editor" })),
            ],
          },
        }),
      );
    case "updateWorkspace":
      return runCommand(intent, () =>
        updateWorkspace(services, {
          actor,
          workspaceId: field(form, "workspaceId"),
          input: {
            title: field(form, "title"),
            description: field(form, "description"),
            leadOrganisationId: field(form, "leadOrganisationId"),
            deadline: field(form, "deadline"),
          },
        }),
      );
    case "reorder":
      return runCommand(intent, () => reorderWorkspaces(services, { actor, agendaId, input: { order: json("order"), expected: json("expected") } }));
    case "archive":
    case "restore":
      return runCommand(intent, () => setWorkspaceArchived(services, { actor, workspaceId: field(form, "workspaceId"), archived: intent === "archive" }));
    case "archiveAgenda":
    case "restoreAgenda":
      return runCommand(intent, () => setAgendaArchived(services, { actor, agendaId, archived: intent === "archiveAgenda" }));
    case "publish":
      return runCommand(intent, async () => publishAgenda(services, { actor: await stepUpFromForm(request, context, form, actor), workspaceId: null, agendaId }));
    default:
      return runCommand(intent, async () => {
        throw new CommandError("unknown_intent", "Unknown action.", 400);
      });
  }
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Summary = Data["workspaces"][number];

/** The workspaces in order: move up/down buttons (keyboard), drag and drop (mouse), the new place announced. */
function WorkspaceOrder({ workspaces, mayOrder }: { workspaces: Summary[]; mayOrder: boolean }) {
  const { t } = useTranslation("agendas");
  const { t: tc } = useTranslation();
  const fetcher = useFetcher<ActionResult>();
  const serverOrder = workspaces.map((w) => w.id);
  const serverKey = serverOrder.join(",");
  const [order, setOrder] = useState(serverOrder);
  const [announcement, setAnnouncement] = useState("");
  const [dragged, setDragged] = useState<string | null>(null);
  const focusAfter = useRef<{ id: string; dir: "up" | "down" } | null>(null);
  const listRef = useRef<HTMLOListElement>(null);
  // The server's order wins whenever it arrives (another owner's move, or a refused one of mine).
  useEffect(() => setOrder(serverKey ? serverKey.split(",") : []), [serverKey]);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data && !fetcher.data.ok) setOrder(serverKey ? serverKey.split(",") : []);
  }, [fetcher.state, fetcher.data, serverKey]);
  useEffect(() => {
    const f = focusAfter.current;
    if (!f || !listRef.current) return;
    focusAfter.current = null;
    const pick = (dir: string) => listRef.current?.querySelector<HTMLButtonElement>(`button[data-move="${dir}"][data-workspace="${f.id}"]`);
    const button = pick(f.dir);
    (button && !button.disabled ? button : pick(f.dir === "up" ? "down" : "up"))?.focus();
  }, [order]);
  const byId = new Map(workspaces.map((w) => [w.id, w]));
  const shown = order.map((id) => byId.get(id)).filter((w): w is Summary => Boolean(w));

  function submit(next: string[], movedId: string) {
    const expected = order;
    setOrder(next);
    const w = byId.get(movedId);
    setAnnouncement(t("order.moved", { title: w?.title ?? "", position: next.indexOf(movedId) + 1, count: next.length }));
    fetcher.submit({ intent: "reorder", order: JSON.stringify(next), expected: JSON.stringify(expected) }, { method: "post" });
  }
  function move(id: string, dir: "up" | "down") {
    const i = order.indexOf(id);
    const j = dir === "up" ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= order.length) return;
    const next = [...order];
    [next[i], next[j]] = [next[j], next[i]];
    focusAfter.current = { id, dir };
    submit(next, id);
  }
  function drop(onto: string) {
    if (!dragged || dragged === onto) return;
    const next = order.filter((id) => id !== dragged);
    const at = next.indexOf(onto) + (order.indexOf(dragged) < order.indexOf(onto) ? 1 : 0);
    next.splice(at, 0, dragged);
    setDragged(null);
    submit(next, dragged);
  }

  return (
    <>
      <div aria-live="polite" role="status" className="visually-hidden" data-testid="order-announcement">
        {announcement}
      </div>
      {fetcher.data && !fetcher.data.ok ? <AgendaMessage result={fetcher.data} intent="reorder" /> : null}
      {mayOrder ? <p className="muted">{t("order.help")}</p> : null}
      <ol className="workspace-order" ref={listRef} aria-label={t("workspaces.title")}>
        {shown.map((w, i) => (
          <li
            key={w.id}
            className={`workspace-order__item${dragged === w.id ? " workspace-order__item--dragged" : ""}`}
            data-workspace-id={w.id}
            draggable={mayOrder}
            onDragStart={(e) => {
              setDragged(w.id);
              e.dataTransfer.effectAllowed = "move";
              e.dataTransfer.setData("text/plain", w.id);
            }}
            onDragOver={(e) => {
              if (dragged) e.preventDefault();
            }}
            onDrop={(e) => {
              e.preventDefault();
              drop(w.id);
            }}
            onDragEnd={() => setDragged(null)}
          >
            <span className="workspace-order__position" aria-hidden="true">
              {i + 1}.
            </span>
            <span className="workspace-order__main">
              <Link to={`/w/${w.id}`}>{w.title}</Link>
              <span className="muted">
                {" "}
                · {w.lead?.name ?? "—"} · <Deadline deadline={w.deadline} daysLeft={w.daysLeft} /> · {t("workspaces.sections", { count: w.sectionCount })}
              </span>
            </span>
            {mayOrder ? (
              <span className="workspace-order__buttons">
                <button
                  type="button"
                  className="button button--small"
                  data-move="up"
                  data-workspace={w.id}
                  disabled={i === 0}
                  aria-label={t("order.up", { title: w.title })}
                  onClick={() => move(w.id, "up")}
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="button button--small"
                  data-move="down"
                  data-workspace={w.id}
                  disabled={i === shown.length - 1}
                  aria-label={t("order.down", { title: w.title })}
                  onClick={() => move(w.id, "down")}
                >
                  ↓
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
      {shown.length === 0 ? <p className="muted">{tc("dashboard.empty.body")}</p> : null}
    </>
  );
}

function OrganisationSelect({ id, name, organisations, value }: { id: string; name: string; organisations: Data["organisations"]; value?: string | null }) {
  const { t } = useTranslation("agendas");
  return (
    <select id={id} name={name} defaultValue={value ?? ""}>
      <option value="">{t("form.none")}</option>
      {organisations.map((o) => (
        <option key={o.id} value={o.id}>
          {o.name}
        </option>
      ))}
    </select>
  );
}

/** Edit, archive: one workspace's own form (its agenda's owners and admins). */
function WorkspaceManage({ w, organisations, archived }: { w: Summary; organisations: Data["organisations"]; archived: boolean }) {
  const { t } = useTranslation("agendas");
  const fetcher = useFetcher<ActionResult>();
  const p = `ws-${w.id}`;
  if (archived) {
    return (
      <li data-workspace-id={w.id}>
        <Link to={`/w/${w.id}`}>{w.title}</Link>{" "}
        <fetcher.Form method="post" className="inline-form">
          <input type="hidden" name="workspaceId" value={w.id} />
          <button type="submit" name="intent" value="restore" className="button button--small">
            {t("workspaces.restore")}
            <span className="visually-hidden"> {w.title}</span>
          </button>
        </fetcher.Form>
        <AgendaMessage result={fetcher.data} intent="restore" />
      </li>
    );
  }
  return (
    <li data-workspace-id={w.id}>
      <details>
        <summary>
          {t("workspaces.manage")}: {w.title}
        </summary>
        <fetcher.Form method="post">
          <input type="hidden" name="workspaceId" value={w.id} />
          <div className="field">
            <label htmlFor={`${p}-title`}>{t("form.title")}</label>
            <input id={`${p}-title`} name="title" defaultValue={w.title} required maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor={`${p}-description`}>{t("form.description")}</label>
            <textarea id={`${p}-description`} name="description" defaultValue={w.description} rows={2} />
          </div>
          <div className="field">
            <label htmlFor={`${p}-lead`}>{t("form.lead")}</label>
            <OrganisationSelect id={`${p}-lead`} name="leadOrganisationId" organisations={organisations} value={w.lead?.id} />
          </div>
          <div className="field">
            <label htmlFor={`${p}-deadline`}>{t("form.deadline")}</label>
            <input id={`${p}-deadline`} name="deadline" type="date" defaultValue={w.deadline ?? ""} />
          </div>
          <button type="submit" name="intent" value="updateWorkspace" className="button">
            {t("form.save")}
          </button>{" "}
          <button type="submit" name="intent" value="archive" className="button button--danger" formNoValidate>
            {t("workspaces.archive")}
          </button>
        </fetcher.Form>
        <AgendaMessage result={fetcher.data} intent="updateWorkspace" />
        <AgendaMessage result={fetcher.data} intent="archive" />
      </details>
    </li>
  );
}

export default function AgendaPage() {
  const data = useLoaderData<typeof loader>();
  const { agenda, owners, abilities, workspaces, archived, rollup, people, organisations, mayPublish, stepUpNeeded, filter } = data;
  const result = useActionResult<ActionResult>();
  const createForm = useResetAfterSuccess(result, "createWorkspace");
  const { t } = useTranslation("agendas");
  const { t: tr } = useTranslation("review");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  useLiveRevalidate(
    workspaces.map((w) => w.id),
    [agenda.id],
  );
  const manages = abilities["agenda.manageWorkspaces"];
  return (
    <main id="main" className="page" tabIndex={-1} data-agenda-id={agenda.id}>
      <Breadcrumbs items={[{ label: tc("nav.dashboard"), to: "/" }, { label: agenda.title }]} />
      <div className="page-heading">
        <h1>{agenda.title}</h1>
        {agenda.description ? <p className="lede">{agenda.description}</p> : null}
        <dl className="facts facts--inline">
          <div>
            <dt>{t("settings.publicationDate")}</dt>
            <dd>{agenda.publicationDate ? formatDay(agenda.publicationDate, dateLocale) : "—"}</dd>
          </div>
          <div>
            <dt>{t("settings.language")}</dt>
            <dd>{t(`language.${agenda.language}`)}</dd>
          </div>
          {agenda.consultation ? (
            <div data-consultation>
              <dt>{t("settings.consultationShort")}</dt>
              <dd>{agenda.requireDispositions ? t("settings.dispositionsRequired") : t("settings.dispositionsOptional")}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t("settings.owners")}</dt>
            <dd data-testid="agenda-owners">
              {[agenda.ownerOrganisation?.name, ...owners.map((o) => o.name)].filter(Boolean).join(", ") || "—"}
            </dd>
          </div>
        </dl>
      </div>

      <p>
        <Link to={`/a/${agenda.id}/read`} className="button" data-link="read">
          {t("read.link")}
        </Link>
      </p>

      {agenda.archivedAt ? (
        <div className="alert alert--locked archived-notice" role="status" data-archived-notice="agenda">
          <p>{t("notice.agenda")}</p>
          {abilities["agenda.archive"] ? (
            <Form method="post">
              <input type="hidden" name="intent" value="restoreAgenda" />
              <button type="submit" className="button button--small" disabled={busy}>
                {t("notice.restoreAgenda")}
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
      <AgendaMessage result={result} intent="restoreAgenda" />

      <section className="panel" aria-labelledby="workspaces-title">
        <h2 id="workspaces-title">{t("workspaces.title")}</h2>
        {filter ? (
          <p className="alert" role="status" data-filter>
            {t("filter.shown", {
              filter: [
                filter.organisation === "none" ? t("filter.noLead") : filter.organisationName ? t("filter.ledBy", { organisation: filter.organisationName }) : null,
                filter.status ? t("filter.withStatus", { status: tc(`status.${filter.status}`) }) : null,
              ]
                .filter(Boolean)
                .join(", "),
            })}{" "}
            <Link to={`/a/${agenda.id}`}>{t("filter.all")}</Link>
          </p>
        ) : null}
        {/* A filtered list is not the whole order: moving is offered on the full list only. */}
        <WorkspaceOrder workspaces={workspaces} mayOrder={manages && !filter} />
      </section>

      {manages ? (
        <section className="panel" aria-labelledby="new-workspace-title">
          <h2 id="new-workspace-title">{t("create.title")}</h2>
          <Form method="post" ref={createForm}>
            <input type="hidden" name="intent" value="createWorkspace" />
            <div className="field">
              <label htmlFor="new-title">{t("form.title")}</label>
              <input id="new-title" name="title" required maxLength={200} />
            </div>
            <div className="field">
              <label htmlFor="new-description">{t("form.description")}</label>
              <textarea id="new-description" name="description" rows={2} />
            </div>
            <div className="field">
              <label htmlFor="new-lead">{t("form.lead")}</label>
              <OrganisationSelect id="new-lead" name="leadOrganisationId" organisations={organisations} />
            </div>
            <div className="field">
              <label htmlFor="new-deadline">{t("form.deadline")}</label>
              <input id="new-deadline" name="deadline" type="date" />
            </div>
            <fieldset className="field">
              <legend>{t("form.approvers")}</legend>
              {organisations
                .filter((o) => o.kind !== "minister-office")
                .map((o) => (
                  <label key={o.id} className="checkbox">
                    <input type="checkbox" name="approverOrganisationIds" value={o.id} /> {o.name}
                  </label>
                ))}
            </fieldset>
            <div className="field">
              <PeoplePicker id="new-owners" name="ownerIds" label={t("form.firstOwners")} people={people} size={4} />
            </div>
            <div className="field">
              <PeoplePicker id="new-editors" name="editorIds" label={t("form.firstEditors")} people={people} size={4} />
            </div>
            <button type="submit" className="button button--primary" disabled={busy}>
              {t("create.submit")}
            </button>
          </Form>
          <AgendaMessage result={result} intent="createWorkspace" />
        </section>
      ) : null}

      {manages && workspaces.length ? (
        <section className="panel" aria-labelledby="manage-title">
          <h2 id="manage-title">{t("workspaces.manageTitle")}</h2>
          <ul className="plain-list">
            {workspaces.map((w) => (
              <WorkspaceManage key={w.id} w={w} organisations={organisations} archived={false} />
            ))}
          </ul>
        </section>
      ) : null}

      {abilities["agenda.viewArchived"] && archived.length ? (
        <section className="panel" aria-labelledby="archived-title">
          <h2 id="archived-title">{t("workspaces.archived")}</h2>
          <ul className="plain-list" data-testid="archived-workspaces">
            {archived.map((w) => (
              <WorkspaceManage key={w.id} w={w} organisations={organisations} archived />
            ))}
          </ul>
        </section>
      ) : null}

      {abilities["agenda.update"] ? (
        <section className="panel" aria-labelledby="settings-title">
          <h2 id="settings-title">{t("settings.title")}</h2>
          <details>
            <summary>{t("settings.edit")}</summary>
            <Form method="post">
              <input type="hidden" name="intent" value="settings" />
              <div className="field">
                <label htmlFor="agenda-title">{t("form.title")}</label>
                <input id="agenda-title" name="title" defaultValue={agenda.title} required maxLength={200} />
              </div>
              <div className="field">
                <label htmlFor="agenda-description">{t("form.description")}</label>
                <textarea id="agenda-description" name="description" defaultValue={agenda.description} rows={3} />
              </div>
              <div className="field">
                <label htmlFor="agenda-date">{t("settings.publicationDate")}</label>
                <input id="agenda-date" name="publicationDate" type="date" defaultValue={agenda.publicationDate ?? ""} />
              </div>
              <div className="field">
                <label htmlFor="agenda-language">{t("settings.language")}</label>
                <select id="agenda-language" name="language" defaultValue={agenda.language}>
                  <option value="nl">{t("language.nl")}</option>
                  <option value="en">{t("language.en")}</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor="agenda-org">{t("settings.ownerOrganisation")}</label>
                <OrganisationSelect id="agenda-org" name="ownerOrganisationId" organisations={organisations} value={agenda.ownerOrganisationId} />
              </div>
              <div className="field">
                <label>
                  <input type="checkbox" name="consultation" defaultChecked={agenda.consultation} /> {t("settings.consultation")}
                </label>
              </div>
              <div className="field">
                <label>
                  <input type="checkbox" name="requireDispositions" defaultChecked={agenda.requireDispositions} /> {t("settings.requireDispositions")}
                </label>
              </div>
              <button type="submit" className="button button--primary" disabled={busy}>
                {t("form.save")}
              </button>
            </Form>
          </details>
          <AgendaMessage result={result} intent="settings" />
        </section>
      ) : null}

      {abilities["agenda.archive"] && !agenda.archivedAt ? (
        <section className="panel" aria-labelledby="archive-agenda-title">
          <h2 id="archive-agenda-title">{t("archive.title")}</h2>
          <p className="muted">{t("archive.help")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="archiveAgenda" />
            <button type="submit" className="button button--danger" disabled={busy}>
              {t("archive.submit")}
            </button>
          </Form>
          <AgendaMessage result={result} intent="archiveAgenda" />
        </section>
      ) : null}

      {rollup.total > 0 ? <AgendaRollupPanel rollup={rollup} agendaId={agenda.id} /> : null}
      <section className="panel" aria-labelledby="downloads-title">
        <h2 id="downloads-title">{tr("agenda.downloads")}</h2>
        {!rollup.readyToPublish ? <p className="muted">{tr("agenda.draftNotice")}</p> : null}
        <ul className="export-links">
          {EXPORT_FORMATS.map((f) => (
            <li key={f}>
              <a className="button" href={`/a/${agenda.id}/export?format=${f}`} download data-export={f}>
                {tr(`format.${f}`)}
              </a>
            </li>
          ))}
        </ul>
      </section>
      {mayPublish ? (
        <section className="panel" aria-labelledby="publish-title">
          <h2 id="publish-title">{tr("agenda.publish")}</h2>
          <p>{rollup.published ? tr("agenda.isPublished") : rollup.readyToPublish ? tr("agenda.ready") : tr("agenda.notReady")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <StepUpField needed={stepUpNeeded} result={result} intent="publish" id="publish-code" />
            <button type="submit" className="button button--primary" disabled={busy || !rollup.readyToPublish || rollup.published}>
              {tr("agenda.publishSubmit")}
            </button>
          </Form>
          <ActionMessage result={result} intent="publish" />
        </section>
      ) : null}
    </main>
  );
}
