/**
 * Says when live updates are not working (reconnecting, or refused because the session ended), so a
 * person knows the page may be out of date. Silent while all is well.
 */
import { useTranslation } from "react-i18next";
import { useRealtime } from "./RealtimeProvider";
import "./realtime.css";

export function LiveStatus() {
  const { t } = useTranslation("realtime");
  const status = useRealtime()?.status;
  const problem = status === "reconnecting" || status === "refused";
  return (
    <p role="status" className="ov-live-status" hidden={!problem}>
      {problem ? t(`connection.${status}`) : null}
    </p>
  );
}
