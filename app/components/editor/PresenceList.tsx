/** Who is here: one avatar per person present in the section (from awareness, as the server set it). */
import { useTranslation } from "react-i18next";
import { initials, type Presence } from "./connection";

export function PresenceList({ people }: { people: Presence[] }) {
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
