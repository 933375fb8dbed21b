import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation, useRouteError } from "@remix-run/react";
import { useActionResult } from "~/utils/use-action-result";
import { useTranslation } from "react-i18next";
import { reviewDecision, reviewRequest, sectionAbilities } from "../../server/policy";
import { decideReview } from "../../server/commands/reviewDecide";
import { requestReview } from "../../server/commands/reviewRequest";
import { lockedRecordUnchecked, reviewStateUnchecked, workspaceApproverOrganisationsUnchecked } from "../../server/views/reviews";
import { ApprovalRecord, recordView } from "~/components/review/ApprovalRecord";
import { useConfirmDialog } from "~/components/ConfirmDialog";
import { addDays, todayInNetherlands } from "../shared/dates";
import { reopenSection } from "../../server/commands/sectionReopen";
import { signOff } from "../../server/commands/sectionSignOff";
import { currentHashAndSuggestions, findVersionByHashUnchecked } from "../../server/views/versions";
import { SectionBreadcrumbs } from "~/components/Breadcrumbs";
import { ErrorPage } from "~/components/ErrorPage";
import { formatDay, formatMoment } from "~/components/format";
import { personNames, workspaceDetail } from "~/components/queries.server";
import { ActionMessage, Hash } from "~/components/review/ActionMessage";
import { field } from "~/components/review/actions.server";
import type { ActionResult } from "~/utils/action-result";
import { useLiveRevalidate } from "~/components/realtime/useLiveRevalidate";
import { useDateLocale } from "~/components/root-data";
import { storedSectionHtml } from "~/components/section/section-html.server";
import { sectionLinkTargetsOf } from "../../server/views/sections";
import { StatusBadge } from "~/components/StatusBadge";
import { pageTitle } from "~/components/translate";
import { runSectionAction, viewSection } from "~/utils/section-actions.server";
import { stepUpNeeded } from "~/utils/step-up.server";
import { StepUpField } from "~/components/auth/StepUpField";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `${data.section.title} · review` : undefined) }];

/** A section's review: the round, each organisation's decision against the current text, and the forms each person may use. */
export async function loader(args: LoaderFunctionArgs) {
  const { section, facts, actor, database } = await viewSection(args);
  const { hash, openSuggestions } = await currentHashAndSuggestions(database, section.id);
  const [workspace, state, text, approvers, record] = await Promise.all([
    workspaceDetail(database, section.workspaceId),
    reviewStateUnchecked(database, section.id, hash),
    sectionLinkTargetsOf(database, actor, section.workspaceId).then((targets) => storedSectionHtml(database, section.id, targets)),
    workspaceApproverOrganisationsUnchecked(database, section.workspaceId),
    section.lockedAt ? lockedRecordUnchecked(database, section.id) : Promise.resolve(null),
  ]);
  const names = await personNames(database, [state.round?.requestedBy, section.lockedBy].filter((x): x is string => Boolean(x)));
  const organisations = await Promise.all(
    state.organisations.map(async (o) => ({
      ...o,
      decision: o.decision ? { ...o.decision, at: o.decision.at.toISOString() } : null,
      // "What changed since you approved": the version with the approved text.
      approvedVersionId: o.decision?.stale ? await findVersionByHashUnchecked(database, section.id, o.decision.contentHash) : null,
      mine: actor.organisationId === o.organisationId,
    })),
  );
  // Separation of duties: whoever asked for this review may not approve it (they may still ask for changes).
  const approval = state.round
    ? reviewDecision(actor, "approve", { ...facts, requestedBy: state.round.requestedBy, requiredOrganisationIds: state.organisations.map((o) => o.organisationId) })
    : null;
  return {
    workspace: { id: section.workspaceId, title: workspace?.title ?? "" },
    section: { id: section.id, title: section.title, status: section.status },
    locked: section.lockedAt ? { by: section.lockedBy ? (names.get(section.lockedBy) ?? null) : null, at: new Date(section.lockedAt).toISOString() } : null,
    hash,
    // The approvals and sign-off a final or published section was locked with.
    record: recordView(record),
    // Open suggestions: the text is not signed off while any is open (ADR 027).
    openSuggestions,
    text,
    round: state.round
      ? {
          ...state.round,
          createdAt: state.round.createdAt.toISOString(),
          requestedByName: state.round.requestedBy ? (names.get(state.round.requestedBy) ?? null) : null,
          changedSinceRequest: state.round.contentHash !== hash,
        }
      : null,
    organisations,
    complete: state.complete,
    approvers,
    today: todayInNetherlands(),
    abilities: sectionAbilities(actor, facts),
    stepUpNeeded: stepUpNeeded(actor),
    myOrganisationRequired: organisations.some((o) => o.mine),
    ownRequest: approval !== null && !approval.allowed && approval.code === "own_request",
    // Why a review cannot be asked for now (no approvers, or only the asker's own organisation), if so.
    requestRefused: (() => {
      const verdict = reviewRequest(actor, { ...facts, approverOrganisationIds: approvers.map((a) => a.id) });
      return verdict.allowed || verdict.code === "forbidden" ? null : verdict.code;
    })(),
  };
}

export async function action(args: ActionFunctionArgs) {
  return runSectionAction(args, {
    request: ({ deps, actor, sectionId, form }) => requestReview(deps, { actor, sectionId, dueDate: field(form, "dueDate") }),
    decide: ({ deps, actor, sectionId, form }) =>
      decideReview(deps, {
        actor,
        sectionId,
        decision: field(form, "decision") as "approve" | "request_changes",
        note: field(form, "note"),
        contentHash: field(form, "contentHash"),
      }),
    signoff: ({ deps, actor, sectionId, form }) => signOff(deps, { actor, sectionId, contentHash: field(form, "contentHash") }),
    reopen: ({ deps, actor, sectionId, form }) => reopenSection(deps, { actor, sectionId, reason: field(form, "reason") }),
  });
}

export default function ReviewPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionResult<ActionResult>();
  const { t } = useTranslation("review");
  const { t: tc } = useTranslation();
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  useLiveRevalidate([data.workspace.id]);
  const { section, round, abilities } = data;
  const weekAhead = addDays(data.today, 7) ?? data.today;
  const approvedBy = data.organisations.filter((o) => o.decision?.decision === "approve" && !o.decision.stale).map((o) => o.name).join(", ") || "—";
  const signoffConfirm = useConfirmDialog({ id: "signoff", title: t("confirm.signoff.title"), body: <p>{t("confirm.signoff.body", { organisations: approvedBy })}</p>, confirmLabel: t("confirm.signoff.ok") });
  const reopenConfirm = useConfirmDialog({ id: "reopen", title: t("confirm.reopen.title"), body: <p>{t("confirm.reopen.body")}</p>, confirmLabel: t("confirm.reopen.ok") });
  return (
    <main id="main" className="page" tabIndex={-1}>
      <SectionBreadcrumbs workspace={data.workspace} section={section} after={[{ label: t("review.title") }]} />
      <div className="page-heading">
        <h1>
          {t("review.title")}: {section.title}
        </h1>
        <dl className="facts facts--inline">
          <div>
            <dt>{tc("section.status")}</dt>
            <dd>
              <StatusBadge status={section.status} />
            </dd>
          </div>
          <div>
            <dt>{t("review.currentHash")}</dt>
            <dd>
              <Hash value={data.hash} />
            </dd>
          </div>
          {round?.dueDate ? (
            <div>
              <dt>{t("review.dueDate")}</dt>
              <dd>{formatDay(round.dueDate, dateLocale)}</dd>
            </div>
          ) : null}
        </dl>
        {data.locked ? (
          <p className="alert alert--locked" data-locked>
            {t("review.lockedBy", { name: data.locked.by ?? "—", date: formatMoment(data.locked.at, dateLocale) })}
          </p>
        ) : null}
        <p>
          <Link to={`/s/${section.id}`}>{t("review.backToText")}</Link> · <Link to={`/s/${section.id}/history`}>{t("history.title")}</Link>
        </p>
      </div>

      <div className="columns">
        <section className="columns__main" aria-labelledby="round-title">
          <h2 id="round-title">{t("review.round")}</h2>
          {round ? (
            <>
              <p>
                {t("review.requested", {
                  name: round.requestedByName ?? "—",
                  date: formatMoment(round.createdAt, dateLocale),
                })}{" "}
                <Hash value={round.contentHash} />
                {round.changedSinceRequest ? (
                  <>
                    {" "}
                    <Link to={`/s/${section.id}/compare?from=${round.versionId}&to=current`}>{t("review.changedSinceRequest")}</Link>
                  </>
                ) : null}
              </p>
              <ul className="review-orgs" aria-label={t("review.organisations")}>
                {data.organisations.map((o) => (
                  <li key={o.organisationId} data-organisation={o.shortCode} data-decision={o.decision?.decision ?? "pending"} data-stale={o.decision?.stale ? "true" : "false"}>
                    <strong>{o.name}</strong>{" "}
                    {o.decision ? (
                      <>
                        <span className={`review-orgs__state review-orgs__state--${o.decision.stale ? "stale" : o.decision.decision}`}>
                          {o.decision.stale ? t("review.stale") : t(`outcome.${o.decision.decision}`)}
                        </span>
                        {" "}
                        {t("review.decidedBy", { name: o.decision.userName ?? "—", date: formatMoment(o.decision.at, dateLocale) })}{" "}
                        <Hash value={o.decision.contentHash} />
                        {o.decision.note ? <span className="review-note"> “{o.decision.note}”</span> : null}
                        {o.approvedVersionId ? (
                          <>
                            {" "}
                            <Link to={`/s/${section.id}/compare?from=${o.approvedVersionId}&to=current`} data-what-changed>
                              {t("review.whatChanged")}
                            </Link>
                          </>
                        ) : null}
                      </>
                    ) : (
                      <span className="review-orgs__state">{t("review.pending")}</span>
                    )}
                    {o.late ? <span className="review-orgs__state review-orgs__state--late"> {t("review.late")}</span> : null}
                  </li>
                ))}
              </ul>
              {data.complete ? <p className="alert alert--success">{t("review.complete")}</p> : null}
            </>
          ) : data.record ? null : (
            <p className="muted">{t("review.noRound")}</p>
          )}
          {data.record ? <ApprovalRecord record={data.record} /> : null}

          <h2>{t("review.textUnderReview")}</h2>
          <p className="muted">
            {t("review.textExplain")} <Hash value={data.hash} />
          </p>
          <div className="section-static prose" data-review-text>
            {data.text.empty ? <p className="muted">{tc("section.emptyText")}</p> : <div dangerouslySetInnerHTML={{ __html: data.text.html }} />}
          </div>
        </section>

        <div className="columns__side stack">
          {abilities["section.requestReview"] ? (
            <section className="panel" aria-labelledby="request-title">
              <h2 id="request-title">{t("request.title")}</h2>
              {data.approvers.length ? <p>{t("request.explain", { organisations: data.approvers.map((a) => a.name).join(", ") })}</p> : null}
              {data.requestRefused ? (
                <p className="alert alert--error" data-error-code={data.requestRefused}>
                  {t(`errors.${data.requestRefused}`)}
                </p>
              ) : null}
              <Form method="post" className="stack-form">
                <input type="hidden" name="intent" value="request" />
                <label htmlFor="dueDate">{t("request.dueDate")}</label>
                <input id="dueDate" name="dueDate" type="date" required min={data.today} defaultValue={weekAhead} />
                <button type="submit" className="button button--primary" disabled={busy}>
                  {round ? t("request.again") : t("request.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          <ActionMessage result={result} intent="request" />

          {abilities["section.decideReview"] && round && data.myOrganisationRequired ? (
            <section className="panel" aria-labelledby="decide-title">
              <h2 id="decide-title">{t("decide.title")}</h2>
              <p>
                {t("decide.explain")} <Hash value={data.hash} />
              </p>
              <Form method="post" className="stack-form">
                <input type="hidden" name="intent" value="decide" />
                <input type="hidden" name="contentHash" value={data.hash} />
                <StepUpField needed={data.stepUpNeeded} result={result} intent="signoff" id="signoff-code" />
                {data.ownRequest ? <p className="muted" data-own-request>{t("decide.ownRequest")}</p> : null}
                <fieldset>
                  <legend>{t("decide.decision")}</legend>
                  {data.ownRequest ? null : (
                    <>
                      <label>
                        <input type="radio" name="decision" value="approve" defaultChecked /> {t("decision.approve")}
                      </label>{" "}
                    </>
                  )}
                  <label>
                    <input type="radio" name="decision" value="request_changes" defaultChecked={data.ownRequest} /> {t("decision.request_changes")}
                  </label>
                </fieldset>
                <label htmlFor="note">{t("decide.note")}</label>
                <textarea id="note" name="note" maxLength={4000} />
                <button type="submit" className="button button--primary" disabled={busy}>
                  {t("decide.submit")}
                </button>
              </Form>
            </section>
          ) : null}
          <ActionMessage result={result} intent="decide" />

          {abilities["section.signOff"] ? (
            <section className="panel" aria-labelledby="signoff-title">
              <h2 id="signoff-title">{t("signoff.title")}</h2>
              <p>
                {t("signoff.explain")} <Hash value={data.hash} />
              </p>
              {data.openSuggestions.length > 0 ? (
                <div className="alert alert--warning" data-open-suggestions={data.openSuggestions.length}>
                  <p>{t("signoff.openSuggestions", { count: data.openSuggestions.length })}</p>
                  <ul>
                    {data.openSuggestions.map((s, i) => (
                      <li key={i}>
                        {t(`signoff.suggestionKind.${s.kind}`)}: “{s.text}” — {s.name}
                        {s.organisation ? ` (${s.organisation})` : ""}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null}
              <Form method="post" onSubmit={signoffConfirm.onSubmit}>
                <input type="hidden" name="intent" value="signoff" />
                <input type="hidden" name="contentHash" value={data.hash} />
                <StepUpField needed={data.stepUpNeeded} result={result} intent="signoff" id="signoff-code" />
                <button type="submit" className="button button--primary" disabled={busy || !data.complete || data.openSuggestions.length > 0}>
                  {t("signoff.submit")}
                </button>
              </Form>
              {signoffConfirm.dialog}
            </section>
          ) : null}
          <ActionMessage result={result} intent="signoff" />

          {abilities["section.reopen"] ? (
            <section className="panel" aria-labelledby="reopen-title">
              <h2 id="reopen-title">{t("reopen.title")}</h2>
              <Form method="post" className="stack-form" onSubmit={reopenConfirm.onSubmit}>
                <input type="hidden" name="intent" value="reopen" />
                <label htmlFor="reason">{t("reopen.reason")}</label>
                <textarea id="reason" name="reason" required minLength={3} maxLength={2000} />
                <StepUpField needed={data.stepUpNeeded} result={result} intent="reopen" id="reopen-code" />
                <button type="submit" className="button" disabled={busy}>
                  {t("reopen.submit")}
                </button>
              </Form>
              {reopenConfirm.dialog}
            </section>
          ) : null}
          <ActionMessage result={result} intent="reopen" />
        </div>
      </div>
    </main>
  );
}

export function ErrorBoundary() {
  return <ErrorPage error={useRouteError()} subject="section" />;
}
