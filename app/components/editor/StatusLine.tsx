/**
 * The editor's connection state and mode (editable, read-only, locked), visible and announced to
 * screen readers (one polite live region, read as a whole). Buttons sit outside the live region.
 */
import { useTranslation } from "react-i18next";
import type { DeniedReason } from "../../shared/collab";
import { TIME_ZONE } from "../../shared/dates";
import { intlLocale } from "../../shared/locales";
import { canRetry, type Connection } from "./connection";

export interface StatusLineProps {
  connection: Connection;
  readOnly: boolean;
  locked: { by: string | null; at: string | null } | null;
  /** The server refused a change made in this page. */
  denied?: DeniedReason | null;
  /** The server refused a change made in this page as not valid; the editor started again from the saved text. */
  invalidChange?: boolean;
  onRetry?: () => void;
}

export function StatusLine({ connection, readOnly, locked, denied = null, invalidChange = false, onRetry }: StatusLineProps) {
  const { t, i18n } = useTranslation("editor");
  const stopped = connection.kind === "stopped" ? connection.reason : null;

  let state: string;
  switch (connection.kind) {
    case "offline":
      state = readOnly ? t("status.offlineReadOnly") : t("status.offline");
      break;
    case "reconnecting":
      state = t(connection.cause === "goingAway" ? "status.goingAway" : "status.storageFailed");
      break;
    case "stopped":
      state = t(`stop.${connection.reason}`);
      break;
    case "connected":
      state = readOnly ? t("status.connectedReadOnly") : t("status.connected");
      break;
    default:
      state = t(`status.${connection.kind}`);
  }

  let mode: string | null = null;
  if (denied) {
    mode = t(denied === "locked" ? "mode.deniedLocked" : "mode.deniedReadOnly");
  } else if (invalidChange) {
    mode = t("mode.invalidChange");
  } else if (locked) {
    const at = locked.at ? formatDate(locked.at, i18n.language) : null;
    mode =
      locked.by && at
        ? t("mode.lockedByAt", { by: locked.by, at })
        : locked.by
          ? t("mode.lockedBy", { by: locked.by })
          : t("mode.locked");
  } else if (readOnly && stopped !== "forbidden") {
    mode = t("mode.readOnly");
  }

  const tone = stopped ? "stopped" : connection.kind === "connected" ? "ok" : connection.kind === "offline" || connection.kind === "reconnecting" ? "warn" : "busy";
  return (
    <div className={`ov-editor__status ov-editor__status--${tone}`}>
      <span className="ov-editor__dot" aria-hidden="true" />
      <p role="status" aria-live="polite" aria-atomic="true" className="ov-editor__status-text">
        <span data-testid="editor-connection">{state}</span>
        {mode ? (
          <>
            <span aria-hidden="true"> · </span>
            <span className="ov-editor__mode" data-testid="editor-mode">
              {mode}
            </span>
          </>
        ) : null}
      </p>
      {stopped === "signedOut" ? (
        <button type="button" className="ov-editor__action" onClick={() => window.location.reload()}>
          {t("action.signInAgain")}
        </button>
      ) : null}
      {stopped && canRetry(stopped) && onRetry ? (
        <button type="button" className="ov-editor__action" onClick={onRetry}>
          {t("action.retry")}
        </button>
      ) : null}
    </div>
  );
}

function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: "long", timeStyle: "short", timeZone: TIME_ZONE }).format(date);
}
