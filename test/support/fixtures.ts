/**
 * The demo data as tests name it: workspace titles by their stable key in server/seed/content.ts, so a
 * change in the demo wording does not break tests that only need "a workspace". Tests of the seed
 * itself (test/seed.test.ts) keep the literal wording on purpose.
 */
import { people, workspaces } from "../../server/seed/content";

function titleOf(key: string): string {
  const workspace = workspaces.find((w) => w.key === key);
  if (!workspace) throw new Error(`the demo data has no workspace with key ${key}`);
  return workspace.title;
}

/** Demo workspace titles (what sectionIds / workspaceId take), by key. */
export const WS = {
  financing: titleOf("financing"),
  offtake: titleOf("offtake"),
  supply: titleOf("supply"),
  policy: titleOf("policy"),
  infrastructure: titleOf("infrastructure"),
  labour: titleOf("labour"),
  contactPoint: titleOf("contact-point"),
  workingGroup: titleOf("working-group"),
  instrumentGaps: titleOf("instrument-gaps"),
  specialRepresentative: titleOf("special-representative"),
  crossBorder: titleOf("cross-border"),
} as const;

/** A demo person's display name, by e-mail address. */
export function nameOf(email: string): string {
  const person = people.find((p) => p.email === email);
  if (!person) throw new Error(`the demo data has no person ${email}`);
  return person.name;
}
