import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";

export interface PickableVersion {
  id: string;
  name: string | null;
  kind: string;
  createdAt: string;
}

/** Two version pickers (older, newer or the text now) that open the comparison. Versions newest first. */
export function ComparePicker({ sectionId, versions, from, to = "current", idPrefix = "" }: { sectionId: string; versions: PickableVersion[]; from?: string; to?: string; idPrefix?: string }) {
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  if (versions.length === 0) return <p className="muted" data-compare-none>{t("compare.noVersions")}</p>;
  const label = (v: PickableVersion) => (v.kind === "manual" ? (v.name ?? "") : t(`kind.${v.kind}`)) + " · " + formatMoment(v.createdAt, dateLocale);
  return (
    <Form method="get" action={`/s/${sectionId}/compare`} className="stack-form" data-compare-picker>
      <label htmlFor={`${idPrefix}from`}>{t("compare.from")}</label>
      <select id={`${idPrefix}from`} name="from" defaultValue={from ?? versions[versions.length - 1].id}>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            {label(v)}
          </option>
        ))}
      </select>
      <label htmlFor={`${idPrefix}to`}>{t("compare.to")}</label>
      <select id={`${idPrefix}to`} name="to" defaultValue={to}>
        <option value="current">{t("compare.current")}</option>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            {label(v)}
          </option>
        ))}
      </select>
      <button type="submit" className="button">
        {t("compare.submit")}
      </button>
    </Form>
  );
}
