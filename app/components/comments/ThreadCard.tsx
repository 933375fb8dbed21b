/** One comment thread in the side column: what it is on, its comments and history, and what I may do. */
import { forwardRef, useCallback, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useConfirmDialog } from "../ConfirmDialog";
import { formatMoment } from "../format";
import { CommentBody } from "./CommentBody";
import { Composer } from "./Composer";
import type { Intent } from "./api";
import type { CommentView, MemberRef, SectionComments, ThreadView } from "../../shared/comments";
import { AssignmentLine } from "./AssignmentLine";

export interface ThreadCardProps {
  thread: ThreadView;
  /** Whether its text is still in the section (false: "text removed"). */
  anchored: boolean;
  active: boolean;
  members: MemberRef[];
  /** The organisations the thread may be assigned to. */
  organisations: SectionComments["organisations"];
  dateLocale: string;
  style?: React.CSSProperties;
  onActivate(): void;
  onShow?: () => void;
  send(intent: Intent): Promise<boolean>;
}

export const ThreadCard = forwardRef<HTMLElement, ThreadCardProps>(function ThreadCard(props, ref) {
  const { thread, members, dateLocale, send } = props;
  const { t } = useTranslation("comments");
  const [editing, setEditing] = useState<string | null>(null);
  const [reopening, setReopening] = useState(false);
  const mentionable = thread.visibility === "organisation" ? members.filter((m) => m.organisationId === thread.organisation?.id) : members;
  const name = (c: { author: CommentView["author"] }) => c.author?.name ?? t("thread.someone");
  const quote = thread.quote.length > 80 ? `${thread.quote.slice(0, 79)}…` : thread.quote;
  // The card, for the page's layout (the forwarded ref) and to take the focus back after a deletion.
  const own = useRef<HTMLElement | null>(null);
  const setRef = useCallback(
    (el: HTMLElement | null) => {
      own.current = el;
      if (typeof ref === "function") ref(el);
      else if (ref) ref.current = el;
    },
    [ref],
  );
  const deleteConfirm = useConfirmDialog({
    id: `delete-comment-${thread.id}`,
    title: t("thread.deleteTitle"),
    body: <p>{t("thread.deleteBody")}</p>,
    confirmLabel: t("thread.delete"),
  });
  const remove = (commentId: string) =>
    deleteConfirm.ask(async () => {
      // Its Delete button goes with the comment's text: the focus goes to the card, not lost to the page.
      if (await send({ intent: "delete", commentId })) requestAnimationFrame(() => own.current?.focus());
    });

  return (
    <article
      ref={setRef}
      tabIndex={-1}
      className={[
        "ov-thread",
        props.active ? "ov-thread--active" : "",
        thread.resolved ? "ov-thread--resolved" : "",
        thread.visibility === "organisation" ? "ov-thread--organisation" : "",
      ].join(" ")}
      style={props.style}
      aria-label={t("thread.label", { quote })}
      data-thread-id={thread.id}
      data-resolved={thread.resolved ? "true" : "false"}
      onClick={props.onActivate}
      onFocus={props.onActivate}
    >
      <header className="ov-thread__head">
        {props.anchored ? (
          <button type="button" className="ov-thread__quote" onClick={props.onShow} title={t("thread.show")}>
            <span className="visually-hidden">{t("thread.quote")} </span>“{quote}”
          </button>
        ) : (
          <div className="ov-thread__removed" data-text-removed>
            <strong>{t("thread.removed")}</strong>
            <span className="visually-hidden"> {t("thread.removedHelp")}</span>
            <q>{quote}</q>
          </div>
        )}
        {thread.visibility === "organisation" ? (
          <span className="ov-badge ov-badge--organisation">{t("thread.organisationOnly", { organisation: thread.organisation?.shortCode ?? "" })}</span>
        ) : null}
      </header>

      <AssignmentLine
        thread={thread}
        members={mentionable}
        organisations={thread.visibility === "organisation" ? props.organisations.filter((o) => o.id === thread.organisation?.id) : props.organisations}
        dateLocale={dateLocale}
        send={send}
      />

      <ol className="ov-thread__comments">
        {thread.comments.map((c) => {
          if (c.kind !== "comment") {
            const key = c.kind === "resolved" ? "thread.resolvedEntry" : c.kind === "reopened" ? "thread.reopened" : "thread.confirmed";
            return (
              <li key={c.id} className={`ov-entry ov-entry--${c.kind}`} data-entry={c.kind}>
                {t(key, { name: name(c) })} · <time dateTime={c.createdAt}>{formatMoment(c.createdAt, dateLocale)}</time>
              </li>
            );
          }
          return (
            <li key={c.id} className="ov-comment" data-comment-id={c.id}>
              <p className="ov-comment__meta" id={`comment-meta-${c.id}`}>
                <span className="ov-comment__author">{name(c)}</span>
                {c.author?.organisationShortCode ? <span className="ov-org">{c.author.organisationShortCode}</span> : null}
                <time dateTime={c.createdAt}>{formatMoment(c.createdAt, dateLocale)}</time>
                {c.editedAt && !c.deleted ? <span className="muted">({t("thread.edited")})</span> : null}
              </p>
              {c.deleted ? (
                <p className="ov-comment__deleted">{t("thread.deleted")}</p>
              ) : editing === c.id ? (
                <Composer
                  label={t("composer.label")}
                  placeholder={t("composer.placeholder")}
                  submitLabel={t("composer.save")}
                  members={mentionable}
                  initial={c.body ?? ""}
                  autoFocus
                  onCancel={() => setEditing(null)}
                  onSubmit={async (body, mentions) => {
                    const keep = c.mentions.filter((m) => body.includes(`@${m.name}`)).map((m) => m.id);
                    const ok = await send({ intent: "edit", commentId: c.id, body, mentions: [...new Set([...keep, ...mentions])] });
                    if (ok) setEditing(null);
                    return ok;
                  }}
                />
              ) : (
                <CommentBody text={c.body ?? ""} mentions={c.mentions} />
              )}
              {!c.deleted && editing !== c.id && (c.can.edit || c.can.delete) ? (
                <p className="ov-comment__tools">
                  {c.can.edit ? (
                    <button type="button" className="link-button" aria-describedby={`comment-meta-${c.id}`} onClick={() => setEditing(c.id)}>
                      {t("thread.edit")}
                    </button>
                  ) : null}
                  {c.can.delete ? (
                    <button
                      type="button"
                      className="link-button"
                      aria-describedby={`comment-meta-${c.id}`}
                      onClick={() => remove(c.id)}
                    >
                      {t("thread.delete")}
                    </button>
                  ) : null}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>

      {thread.asksMeToConfirm ? (
        <div className="ov-thread__confirm" role="status" data-confirm>
          <p>{t("thread.confirmAsk", { name: thread.resolved?.by?.name ?? t("thread.someone") })}</p>
          <p className="ov-thread__buttons">
            <button type="button" className="button button--small" onClick={() => void send({ intent: "confirm", threadId: thread.id })}>
              {t("thread.confirm")}
            </button>
            <button type="button" className="button button--quiet button--small" onClick={() => setReopening(true)}>
              {t("thread.reopenWithReply")}
            </button>
          </p>
        </div>
      ) : null}

      {thread.resolved && !thread.asksMeToConfirm ? (
        <p className="ov-thread__state">
          {thread.resolved.by ? t("thread.resolvedBy", { name: thread.resolved.by.name }) : null}
          {thread.can.resolve && !reopening ? (
            <>
              {" "}
              <button type="button" className="link-button" onClick={() => void send({ intent: "reopen", threadId: thread.id })}>
                {t("thread.reopen")}
              </button>{" "}
              <button type="button" className="link-button" onClick={() => setReopening(true)}>
                {t("thread.reopenWithReply")}
              </button>
            </>
          ) : null}
        </p>
      ) : null}

      {reopening ? (
        <Composer
          label={t("composer.replyLabel")}
          placeholder={t("composer.replyPlaceholder")}
          submitLabel={t("thread.reopenWithReply")}
          members={mentionable}
          autoFocus
          onCancel={() => setReopening(false)}
          onSubmit={async (body, mentions) => {
            const ok = await send({ intent: "reopen", threadId: thread.id, body, mentions });
            if (ok) setReopening(false);
            return ok;
          }}
        />
      ) : !thread.resolved && thread.can.reply ? (
        <Composer
          label={t("composer.replyLabel")}
          placeholder={t("composer.replyPlaceholder")}
          submitLabel={t("composer.reply")}
          members={mentionable}
          onSubmit={(body, mentions) => send({ intent: "reply", threadId: thread.id, body, mentions })}
        >
          {thread.can.resolve ? (
            <button type="button" className="button button--quiet button--small ov-thread__resolve" onClick={() => void send({ intent: "resolve", threadId: thread.id })}>
              {t("thread.resolve")}
            </button>
          ) : null}
        </Composer>
      ) : null}
      {deleteConfirm.dialog}
    </article>
  );
});
