/**
 * Who has this section open: one avatar per person in the editor's awareness (as the server set it).
 * Who is in the whole workspace: ../realtime/WorkspacePresence.
 */
import { useTranslation } from "react-i18next";
import { initials } from "../initials";
import type { PersonInSection } from "./section-presence";

export function SectionPresence({ people }: { people: PersonInSection[] }) {
  const { t } = useTranslation("editor");
  if (people.length === 0) return null;
  return (
    <ul className="ov-presence" aria-label={t("presence.label", { count: people.length })}>
      {people.map((person) => {
        const who = person.organisation ? `${person.name} (${person.organisation})` : person.name;
        const text = person.self ? t("presence.you", { who }) : who;
        return (
          <li key={person.key} className="ov-presence__person" data-self={person.self ? "true" : undefined} title={text}>
            <span className="ov-avatar" style={{ backgroundColor: person.color }} aria-hidden="true">
              {initials(person.name)}
            </span>
            <span className="ov-visually-hidden">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}
