import { useTranslation } from "react-i18next";

export interface DiffPartView {
  op: "same" | "added" | "removed";
  text: string;
  /** For an added part: who wrote it ("Name (ORG)"). */
  authors?: string[];
}

export type DiffBlockView = { kind: "heading"; level: number } | { kind: "bullet" } | { kind: "ordered" } | { kind: "paragraph" };
export interface DiffLineView {
  block: DiffBlockView;
  pieces: (DiffPartView & { bold?: boolean; italic?: boolean })[];
}

/** A word-level inline diff: insertions underlined in green, deletions struck through in red, each also said in words. */
export function DiffView({ parts, lines }: { parts: DiffPartView[]; lines?: DiffLineView[] }) {
  const { t } = useTranslation("review");
  const changed = parts.some((p) => p.op !== "same");
  if (!changed) return <p className="muted">{t("compare.noChanges")}</p>;
  if (lines) return <FormattedDiff lines={lines} />;
  return (
    <div className="diff prose" data-diff>
      {parts.map((p, i) => (
        <Piece key={i} p={p} />
      ))}
    </div>
  );
}

/** One piece of a line: kept, added or removed, with its bold and italic. */
function Piece({ p }: { p: DiffLineView["pieces"][number] }) {
  const { t } = useTranslation("review");
  let text: React.ReactNode = p.text;
  if (p.italic) text = <em>{text}</em>;
  if (p.bold) text = <strong>{text}</strong>;
  if (p.op === "added") {
    return (
      <ins className="diff__added">
        <span className="visually-hidden">{t("compare.addedStart")}</span>
        {text}
        <span className="visually-hidden">{t("compare.addedEnd")}</span>
        {p.authors?.length ? (
          <small className="diff__author" data-authors={p.authors.join("; ")}>
            {t("compare.by", { names: p.authors.join(", ") })}
          </small>
        ) : null}
      </ins>
    );
  }
  if (p.op === "removed") {
    return (
      <del className="diff__removed">
        <span className="visually-hidden">{t("compare.removedStart")}</span>
        {text}
        <span className="visually-hidden">{t("compare.removedEnd")}</span>
      </del>
    );
  }
  return <span>{text}</span>;
}

/** The diff in the text's own blocks: headings (one level below the page's), lists, paragraphs. */
function FormattedDiff({ lines }: { lines: DiffLineView[] }) {
  const groups: { list: "bullet" | "ordered" | null; lines: DiffLineView[] }[] = [];
  for (const line of lines) {
    const list = line.block.kind === "bullet" || line.block.kind === "ordered" ? line.block.kind : null;
    const last = groups[groups.length - 1];
    if (list && last?.list === list) last.lines.push(line);
    else groups.push({ list, lines: [line] });
  }
  const content = (line: DiffLineView, key: number) => line.pieces.map((p, i) => <Piece key={`${key}-${i}`} p={p} />);
  return (
    <div className="diff prose" data-diff data-diff-formatted>
      {groups.map((g, gi) => {
        if (g.list) {
          const List = g.list === "bullet" ? "ul" : "ol";
          return (
            <List key={gi}>
              {g.lines.map((line, li) => (
                <li key={li}>{content(line, li)}</li>
              ))}
            </List>
          );
        }
        return g.lines.map((line, li) => {
          if (line.block.kind === "heading") {
            const Heading = `h${Math.min(line.block.level + 1, 6)}` as "h2";
            return <Heading key={`${gi}-${li}`}>{content(line, li)}</Heading>;
          }
          return <p key={`${gi}-${li}`}>{line.pieces.length ? content(line, li) : "\u00a0"}</p>;
        });
      })}
    </div>
  );
}
