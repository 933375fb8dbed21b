import { useFetcher } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { ActionResult } from "~/utils/action-result";
import { AgendaMessage } from "./AgendaMessage";

export interface ArchivedNoticeData {
  scope: "workspace" | "agenda";
  agendaId: string | null;
  mayRestore: boolean;
}

/**
 * The read-only notice on an archived workspace's pages (ADR 031): archived on its own or with its
 * whole agenda; a restore button for those the policy lets restore it, posted to the agenda page's
 * action (the same command as there).
 */
export function ArchivedNotice({ notice, workspaceId }: { notice: ArchivedNoticeData | null; workspaceId: string }) {
  const { t } = useTranslation("agendas");
  const fetcher = useFetcher<ActionResult>();
  if (!notice) return null;
  const intent = notice.scope === "agenda" ? "restoreAgenda" : "restore";
  return (
    <div className="alert alert--locked archived-notice" role="status" data-archived-notice={notice.scope}>
      <p>{t(`notice.${notice.scope}`)}</p>
      {notice.mayRestore && notice.agendaId ? (
        <fetcher.Form method="post" action={`/a/${notice.agendaId}?index`}>
          <input type="hidden" name="intent" value={intent} />
          <input type="hidden" name="workspaceId" value={workspaceId} />
          <button type="submit" className="button button--small" disabled={fetcher.state !== "idle"}>
            {t(notice.scope === "agenda" ? "notice.restoreAgenda" : "notice.restoreWorkspace")}
          </button>
        </fetcher.Form>
      ) : null}
      <AgendaMessage result={fetcher.data} intent={intent} />
    </div>
  );
}
