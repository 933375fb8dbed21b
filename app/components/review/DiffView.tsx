import { useTranslation } from "react-i18next";

export interface DiffPartView {
  op: "same" | "added" | "removed";
  text: string;
  /** For an added part: who wrote it ("Name (ORG)"). */
  authors?: string[];
}

/** A word-level inline diff: insertions underlined in green, deletions struck through in red, each also said in words. */
export function DiffView({ parts }: { parts: DiffPartView[] }) {
  const { t } = useTranslation("review");
  const changed = parts.some((p) => p.op !== "same");
  if (!changed) return <p className="muted">{t("compare.noChanges")}</p>;
  return (
    <div className="diff prose" data-diff>
      {parts.map((p, i) =>
        p.op === "added" ? (
          <ins key={i} className="diff__added">
            <span className="visually-hidden">{t("compare.addedStart")}</span>
            {p.text}
            <span className="visually-hidden">{t("compare.addedEnd")}</span>
            {p.authors?.length ? (
              <small className="diff__author" data-authors={p.authors.join("; ")}>
                {t("compare.by", { names: p.authors.join(", ") })}
              </small>
            ) : null}
          </ins>
        ) : p.op === "removed" ? (
          <del key={i} className="diff__removed">
            <span className="visually-hidden">{t("compare.removedStart")}</span>
            {p.text}
            <span className="visually-hidden">{t("compare.removedEnd")}</span>
          </del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  );
}
