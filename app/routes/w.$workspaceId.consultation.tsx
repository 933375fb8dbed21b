import type {
  ActionFunctionArgs,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import {
  Form,
  Link,
  useLoaderData,
  useNavigation,
  useRouteError,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { setDisposition } from "../../server/commands/dispositionSet";
import { consultationRecord } from "../../server/views/consultation";
import { DISPOSITIONS, dispositionForOutcome } from "../shared/consultation";
import { EXPORT_FORMATS } from "../shared/exports";
import { Breadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatMoment } from "~/components/format";
import { ActionMessage } from "~/components/review/ActionMessage";
import { field, runCommand } from "~/components/review/actions.server";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { useDateLocale } from "~/components/root-data";
import { pageTitle } from "~/components/translate";
import type { ActionResult } from "~/utils/action-result";
import { guard, requireActor } from "~/utils/auth.server";
import { useActionResult } from "~/utils/use-action-result";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: pageTitle(
      data ? `${data.workspace.title} · consultation` : undefined
    ),
  },
];

/** The consultation record of a workspace: every input from outside the lead organisation and its disposition. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  // The view asks the policy (workspace.consultation) itself.
  const record = await guard(() =>
    consultationRecord(
      context.services.database,
      actor,
      params.workspaceId ?? ""
    )
  );
  return {
    ...record,
    inputs: record.inputs.map((i) => ({
      ...i,
      createdAt: i.createdAt.toISOString(),
      disposition: i.disposition
        ? { ...i.disposition, decidedAt: i.disposition.decidedAt.toISOString() }
        : null,
    })),
  };
}

/** Giving an input a disposition (the workspace's owners; the command asks the policy). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  const form = await request.formData();
  return runCommand("disposition", () =>
    setDisposition(context.services, {
      actor,
      workspaceId: params.workspaceId ?? "",
      input: {
        targetKind: field(form, "targetKind"),
        targetId: field(form, "targetId"),
        disposition: field(form, "disposition"),
        reason: field(form, "reason"),
      },
    })
  );
}

export default function ConsultationPage() {
  const { workspace, consultation, requireDispositions, inputs, mayDispose } =
    useLoaderData<typeof loader>();
  const result = useActionResult<ActionResult>();
  const { t } = useTranslation("review");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  useLiveRevalidate([workspace.id]);
  const open = inputs.filter((i) => i.disposition === null);
  const organisations = [
    ...new Map(
      inputs.map((i) => [i.organisationId, i.organisationName])
    ).entries(),
  ].sort((a, b) => a[1].localeCompare(b[1]));
  return (
    <main id="main" className="page" tabIndex={-1}>
      <Breadcrumbs
        items={[
          { label: tc("nav.dashboard"), to: "/" },
          { label: workspace.title, to: `/w/${workspace.id}` },
          { label: t("consultation.title") },
        ]}
      />
      <div className="page-heading">
        <h1>
          {t("consultation.title")}: {workspace.title}
        </h1>
        <p className="muted">
          {t("consultation.intro", {
            lead: workspace.leadOrganisationName ?? "—",
          })}
        </p>
      </div>
      {!consultation ? (
        <p className="panel" data-consultation="off">
          {t("consultation.off")}
        </p>
      ) : (
        <div className="columns">
          <section className="columns__main" aria-labelledby="inputs-title">
            <h2 id="inputs-title">{t("consultation.inputs")}</h2>
            <p data-open-count={open.length} role="status">
              {open.length === 0
                ? t("consultation.allAnswered")
                : t("consultation.open", { count: open.length })}
              {requireDispositions && open.length > 0
                ? ` ${t("consultation.publishWaits")}`
                : ""}
            </p>
            <ActionMessage result={result} intent="disposition" />
            {inputs.length === 0 ? (
              <p className="muted">{t("consultation.none")}</p>
            ) : (
              <ol className="consultation-list">
                {inputs.map((input) => {
                  // A suggestion decided in the text pre-fills its disposition: accepted → adopted, rejected → not adopted.
                  const proposed = input.disposition
                    ? null
                    : dispositionForOutcome(input.suggestion?.outcome ?? null);
                  return (
                    <li
                      key={`${input.kind}:${input.id}`}
                      className="panel"
                      data-input-id={input.id}
                      data-kind={input.kind}
                      data-disposition={input.disposition?.value ?? "none"}
                    >
                      <p>
                        <strong>{input.organisationName}</strong> ·{" "}
                        {input.authorName ?? "—"} ·{" "}
                        {formatMoment(input.createdAt, dateLocale)} ·{" "}
                        <Link to={`/s/${input.sectionId}`}>
                          {input.sectionTitle}
                        </Link>
                      </p>
                      {input.suggestion ? (
                        <>
                          <p className="muted">
                            {t("consultation.suggestionLabel")}
                          </p>
                          {input.quote ? (
                            <p>
                              {t("consultation.deleteText")}:{" "}
                              <del>{input.quote}</del>
                            </p>
                          ) : null}
                          {input.text && input.suggestion.change === "format" ? (
                            <p data-format-change>
                              {t("consultation.formatText")} (
                              {/* "+bold -italic" (ADR 043) */}
                              {input.suggestion.formatting
                                .split(" ")
                                .filter(Boolean)
                                .map((f) =>
                                  f.startsWith("+")
                                    ? f === "+italic"
                                      ? t("consultation.formatOn.italic")
                                      : t("consultation.formatOn.bold")
                                    : f === "-italic"
                                    ? t("consultation.formatOff.italic")
                                    : t("consultation.formatOff.bold")
                                )
                                .join(", ")}
                              ): {input.text}
                            </p>
                          ) : input.text ? (
                            <p>
                              {t("consultation.insertText")}:{" "}
                              <ins>{input.text}</ins>
                            </p>
                          ) : null}
                          <p data-outcome={input.suggestion.outcome ?? "open"}>
                            <strong>
                              {t(
                                `consultation.outcome.${
                                  input.suggestion.outcome ?? "open"
                                }`
                              )}
                            </strong>
                            {input.suggestion.decidedByName
                              ? ` ${t("consultation.outcomeBy", {
                                  name: input.suggestion.decidedByName,
                                })}`
                              : ""}
                            {input.suggestion.reason
                              ? `: ${input.suggestion.reason}`
                              : ""}
                          </p>
                        </>
                      ) : (
                        <>
                          {input.quote ? (
                            <blockquote>{input.quote}</blockquote>
                          ) : null}
                          <p>{input.text}</p>
                        </>
                      )}
                      {input.disposition ? (
                        <p className="consultation-disposition">
                          <strong>
                            {t(`consultation.value.${input.disposition.value}`)}
                          </strong>
                          {input.disposition.reason
                            ? `: ${input.disposition.reason}`
                            : ""}{" "}
                          <span className="muted">
                            ({input.disposition.decidedByName ?? "—"},{" "}
                            {formatMoment(
                              input.disposition.decidedAt,
                              dateLocale
                            )}
                            )
                          </span>
                        </p>
                      ) : (
                        <p className="badge" data-needs-disposition>
                          {t("consultation.needsDisposition")}
                        </p>
                      )}
                      {mayDispose ? (
                        <Form method="post" className="stack-form">
                          <input
                            type="hidden"
                            name="targetKind"
                            value={input.kind}
                          />
                          <input
                            type="hidden"
                            name="targetId"
                            value={input.id}
                          />
                          <label htmlFor={`disposition-${input.id}`}>
                            {t("consultation.disposition")}
                          </label>
                          <select
                            id={`disposition-${input.id}`}
                            name="disposition"
                            defaultValue={
                              input.disposition?.value ?? proposed ?? "adopted"
                            }
                          >
                            {DISPOSITIONS.map((d) => (
                              <option key={d} value={d}>
                                {t(`consultation.value.${d}`)}
                              </option>
                            ))}
                          </select>
                          <label htmlFor={`reason-${input.id}`}>
                            {t("consultation.reason")}
                          </label>
                          <textarea
                            id={`reason-${input.id}`}
                            name="reason"
                            rows={2}
                            maxLength={1000}
                            defaultValue={
                              input.disposition?.reason ??
                              (proposed ? input.suggestion?.reason : "") ??
                              ""
                            }
                          />
                          {proposed ? (
                            <p className="muted" data-prefilled={proposed}>
                              {t("consultation.prefilled")}
                            </p>
                          ) : null}
                          <button
                            type="submit"
                            className="button"
                            disabled={busy}
                          >
                            {t("consultation.save")}
                          </button>
                        </Form>
                      ) : null}
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
          <aside className="columns__side panel" aria-labelledby="annex-title">
            <h2 id="annex-title">{t("consultation.annex")}</h2>
            <p className="muted">{t("consultation.annexExplain")}</p>
            {organisations.map(([id, name]) => (
              <div key={id} data-annex-organisation={id}>
                <h3>{name}</h3>
                <ul className="export-links">
                  {EXPORT_FORMATS.map((f) => (
                    <li key={f}>
                      <a
                        className="button button--quiet"
                        href={`/a/${workspace.agendaId}/reactienota?organisation=${id}&format=${f}`}
                        download
                        data-export={f}
                      >
                        {t(`format.${f}`)}
                      </a>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </aside>
        </div>
      )}
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="workspace" />;
}
