import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

export interface Crumb {
  label: string;
  to?: string;
}

/** Where this page sits: the last crumb is the current page. */
export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t("breadcrumbs.label")} className="breadcrumbs">
      <ol>
        {items.map((item, i) => (
          <li key={`${i}-${item.label}`}>
            {item.to && i < items.length - 1 ? (
              <Link to={item.to}>{item.label}</Link>
            ) : (
              <span aria-current={i === items.length - 1 ? "page" : undefined}>{item.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/** The trail of a page under a section: dashboard, its workspace, the section, then `after`. */
export function SectionBreadcrumbs({
  workspace,
  section,
  after,
}: {
  workspace: { id: string; title: string };
  section: { id: string; title: string };
  after: Crumb[];
}) {
  const { t } = useTranslation();
  return (
    <Breadcrumbs
      items={[
        { label: t("nav.dashboard"), to: "/" },
        { label: workspace.title, to: `/w/${workspace.id}` },
        { label: section.title, to: `/s/${section.id}` },
        ...after,
      ]}
    />
  );
}
