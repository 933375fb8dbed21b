/**
 * Who is in this workspace now: an avatar, name and organisation per person, and where they are
 * (the section they have open), as the server knows them from their sessions. Pure: give it the
 * `people` of usePresence; it renders the same on the server (empty) and in the browser. Who has one
 * section open in the editor: ../editor/SectionPresence.
 */
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { organisationColour } from "../../shared/collab";
import { initials } from "../initials";
import type { PersonInWorkspace } from "../../shared/realtime";
import "./realtime.css";

export interface WorkspacePresenceProps {
  people: PersonInWorkspace[];
  /** Marks this person as "you" and lists them last. */
  currentUserId?: string | null;
  /** Titles of the workspace's sections, to say where someone is. */
  sectionTitles?: Record<string, string>;
  /** The heading's level in the page (default 2). */
  headingLevel?: 2 | 3 | 4;
}

export function WorkspacePresence({ people, currentUserId, sectionTitles = {}, headingLevel = 2 }: WorkspacePresenceProps) {
  const { t } = useTranslation("realtime");
  const headingId = useId();
  const Heading = `h${headingLevel}` as const;
  const others = people.filter((p) => p.userId !== currentUserId);
  const self = people.filter((p) => p.userId === currentUserId);
  const ordered = [...others, ...self];

  return (
    <section className="ov-here" aria-labelledby={headingId}>
      <Heading id={headingId} className="ov-here__heading">
        {t("presence.heading")} <span className="ov-here__count">({t("presence.count", { count: others.length })})</span>
      </Heading>
      {others.length === 0 && <p className="ov-here__empty">{t("presence.nobodyElse")}</p>}
      {ordered.length > 0 && (
        <ul className="ov-here__list" aria-live="polite">
          {ordered.map((person) => {
            const isSelf = person.userId === currentUserId;
            const where = person.sectionIds.map((id) => sectionTitles[id]).filter((title): title is string => Boolean(title));
            return (
              <li key={person.userId} className="ov-here__person" data-self={isSelf ? "true" : undefined}>
                <span className="ov-here__avatar" style={{ backgroundColor: organisationColour(person.organisationShortCode) }} aria-hidden="true">
                  {initials(person.name)}
                </span>
                <span className="ov-here__who">
                  <span className="ov-here__name">
                    {person.name}
                    {isSelf && <> {t("presence.you")}</>}
                  </span>
                  {person.organisationName && (
                    <span className="ov-here__organisation">
                      {person.organisationShortCode ? (
                        <abbr title={person.organisationName}>{person.organisationShortCode}</abbr>
                      ) : (
                        person.organisationName
                      )}
                    </span>
                  )}
                  {where.length > 0 && (
                    <span className="ov-here__where">{t("presence.in", { sections: where.join(", ") })}</span>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
