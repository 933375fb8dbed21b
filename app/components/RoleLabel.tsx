import { useTranslation } from "react-i18next";
import type { Role } from "~/shared/domain";

export function RoleLabel({ role }: { role: Role | null }) {
  const { t } = useTranslation();
  return <span className={`role role--${role ?? "none"}`}>{t(`role.${role ?? "none"}`)}</span>;
}
