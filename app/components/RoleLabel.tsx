import { useTranslation } from "react-i18next";
import type { Role } from "~/shared/domain";

/** A role in a workspace; "signOff" is the minister's office, which is no member but signs off everywhere. */
export function RoleLabel({ role }: { role: Role | "signOff" | null }) {
  const { t } = useTranslation();
  return <span className={`role role--${role ?? "none"}`}>{t(`role.${role ?? "none"}`)}</span>;
}
