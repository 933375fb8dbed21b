/** Whom a thread is assigned to (a person or an organisation, with a due date), and the form to change it. */
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { formatDay } from "../format";
import type { Intent } from "./api";
import type { MemberRef, SectionComments, ThreadView } from "../../shared/comments";

export interface AssignmentLineProps {
  thread: ThreadView;
  /** The people who may read the thread (for a thread of one organisation: its members). */
  members: MemberRef[];
  organisations: SectionComments["organisations"];
  dateLocale: string;
  send(intent: Intent): Promise<boolean>;
}

export function AssignmentLine({ thread, members, organisations, dateLocale, send }: AssignmentLineProps) {
  const { t } = useTranslation("comments");
  const [open, setOpen] = useState(false);
  const current = thread.assignment;
  const currentValue = current?.person ? `user:${current.person.id}` : current?.organisation ? `organisation:${current.organisation.id}` : "";
  const [choice, setChoice] = useState(currentValue);
  const [dueDate, setDueDate] = useState(current?.dueDate ?? "");
  const [busy, setBusy] = useState(false);
  const mayAssign = thread.can.assign && !thread.resolved;
  if (!current && !mayAssign) return null;

  const who = current ? (current.person ? current.person.name : (current.organisation?.name ?? t("thread.someone"))) : null;
  const submit = async (assignee: Extract<Intent, { intent: "assign" }>["assignee"]) => {
    setBusy(true);
    const ok = await send({ intent: "assign", threadId: thread.id, assignee, dueDate: assignee && dueDate ? dueDate : null });
    setBusy(false);
    if (ok) setOpen(false);
  };

  return (
    <div className="ov-thread__assignment" data-assignment={current ? "assigned" : "none"} data-assigned-to-me={thread.assignedToMe ? "true" : "false"}>
      {current ? (
        <p className="ov-thread__assignee">
          {t("assignment.assignedTo", { name: who })}
          {current.dueDate ? ` · ${t("assignment.due", { date: formatDay(current.dueDate, dateLocale) })}` : null}
          {thread.assignedToMe ? <span className="ov-badge ov-badge--mine">{t("assignment.mine")}</span> : null}
        </p>
      ) : null}
      {mayAssign && !open ? (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setChoice(currentValue);
            setDueDate(current?.dueDate ?? "");
            setOpen(true);
          }}
        >
          {current ? t("assignment.change") : t("assignment.assign")}
        </button>
      ) : null}
      {open ? (
        <form
          className="ov-assign"
          aria-label={t("assignment.formLabel")}
          onSubmit={(event) => {
            event.preventDefault();
            const [kind, id] = choice.split(":");
            if (!id) return;
            void submit(kind === "user" ? { userId: id } : { organisationId: id });
          }}
        >
          <label>
            {t("assignment.to")}
            <select value={choice} onChange={(e) => setChoice(e.target.value)} required>
              <option value="">{t("assignment.choose")}</option>
              <optgroup label={t("assignment.people")}>
                {members.map((m) => (
                  <option key={m.id} value={`user:${m.id}`}>
                    {m.name}
                    {m.organisationShortCode ? ` (${m.organisationShortCode})` : ""}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t("assignment.organisations")}>
                {organisations.map((o) => (
                  <option key={o.id} value={`organisation:${o.id}`}>
                    {o.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <label>
            {t("assignment.dueDate")}
            <input type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} />
          </label>
          <p className="ov-thread__buttons">
            <button type="submit" className="button button--small" disabled={busy || !choice}>
              {t("assignment.save")}
            </button>
            {current ? (
              <button type="button" className="button button--quiet button--small" disabled={busy} onClick={() => void submit(null)}>
                {t("assignment.remove")}
              </button>
            ) : null}
            <button type="button" className="button button--quiet button--small" onClick={() => setOpen(false)}>
              {t("composer.cancel")}
            </button>
          </p>
        </form>
      ) : null}
    </div>
  );
}
