/**
 * A comment's text: plain text with light markdown (paragraphs, "- " and "1. " lists, **bold**,
 * *italic* or _italic_, `code`, [links](https://…) and bare http(s) links), and @mentions of the
 * people the server says the comment mentions.
 *
 * It is rendered as React elements built from the text, never as HTML: whatever a comment contains
 * (<script>, event attributes, javascript: links) is shown as text. Links go only to http(s) and
 * mailto addresses and open in a new tab without access to this page.
 */
import { Fragment, type ReactNode } from "react";
import type { PersonRef } from "../../shared/comments";

type Block = { kind: "p"; lines: string[] } | { kind: "ul" | "ol"; items: string[] };

function blocks(text: string): Block[] {
  const out: Block[] = [];
  for (const chunk of text.replace(/\r\n?/g, "\n").split(/\n{2,}/)) {
    const lines = chunk.split("\n").filter((l) => l.trim() !== "");
    if (!lines.length) continue;
    let current: Block | null = null;
    for (const line of lines) {
      const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
      const numbered = /^\s*\d{1,3}[.)]\s+(.*)$/.exec(line);
      const kind = bullet ? "ul" : numbered ? "ol" : "p";
      const content = bullet?.[1] ?? numbered?.[1] ?? line;
      if (current && current.kind === kind) {
        if (current.kind === "p") current.lines.push(content);
        else current.items.push(content);
      } else {
        current = kind === "p" ? { kind, lines: [content] } : { kind, items: [content] };
        out.push(current);
      }
    }
  }
  return out;
}

export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === "http:" || parsed.protocol === "https:" || parsed.protocol === "mailto:" ? parsed.href : null;
  } catch {
    return null;
  }
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Inline markdown of one line → React nodes (text only, and the elements listed above). */
function inline(text: string, mentions: PersonRef[], key: string): ReactNode[] {
  const names = [...mentions].sort((a, b) => b.name.length - a.name.length).map((m) => escapeRe(m.name));
  const patterns = [
    String.raw`\[([^\]\n]{1,500})\]\(([^)\s]{1,2000})\)`, // 1,2 link
    String.raw`\*\*([^*\n]+)\*\*`, // 3 bold
    String.raw`(?<![\w*])\*([^*\n]+)\*(?!\w)`, // 4 italic
    String.raw`(?<!\w)_([^_\n]+)_(?!\w)`, // 5 italic
    String.raw`\x60([^\x60\n]+)\x60`, // 6 code
    String.raw`(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])`, // 7 bare link
    names.length ? `@(${names.join("|")})` : String.raw`(?!)`, // 8 mention
  ];
  const re = new RegExp(patterns.join("|"), "g");
  const out: ReactNode[] = [];
  let last = 0;
  let i = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${i++}`;
    if (m[1] !== undefined) {
      const href = safeHref(m[2]);
      out.push(
        href ? (
          <a key={k} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {m[1]}
          </a>
        ) : (
          m[0]
        ),
      );
    } else if (m[3] !== undefined) out.push(<strong key={k}>{inline(m[3], mentions, k)}</strong>);
    else if (m[4] !== undefined) out.push(<em key={k}>{inline(m[4], mentions, k)}</em>);
    else if (m[5] !== undefined) out.push(<em key={k}>{inline(m[5], mentions, k)}</em>);
    else if (m[6] !== undefined) out.push(<code key={k}>{m[6]}</code>);
    else if (m[7] !== undefined) {
      const href = safeHref(m[7]);
      out.push(
        href ? (
          <a key={k} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {m[7]}
          </a>
        ) : (
          m[7]
        ),
      );
    } else if (m[8] !== undefined) {
      out.push(
        <span key={k} className="ov-mention">
          @{m[8]}
        </span>,
      );
    }
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function CommentBody({ text, mentions = [] }: { text: string; mentions?: PersonRef[] }) {
  return (
    <div className="ov-comment__body">
      {blocks(text).map((block, b) => {
        const key = `b${b}`;
        if (block.kind === "p") {
          return (
            <p key={key}>
              {block.lines.map((line, l) => (
                <Fragment key={l}>
                  {l > 0 ? <br /> : null}
                  {inline(line, mentions, `${key}-${l}`)}
                </Fragment>
              ))}
            </p>
          );
        }
        const List = block.kind;
        return (
          <List key={key}>
            {block.items.map((item, n) => (
              <li key={n}>{inline(item, mentions, `${key}-${n}`)}</li>
            ))}
          </List>
        );
      })}
    </div>
  );
}
