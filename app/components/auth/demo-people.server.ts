/** The demo accounts shown on the sign-in page outside production (the seed's people and password). */
import { DEMO_PASSWORD, organisations, people } from "../../../server/seed/content";

export function demoAccounts() {
  const names = new Map(organisations.map((o) => [o.code, o.name]));
  return {
    password: DEMO_PASSWORD,
    people: people.map((p) => ({ email: p.email, name: p.name, organisation: p.org ? (names.get(p.org) ?? p.org) : null })),
  };
}
