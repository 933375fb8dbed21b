import { describe, expect, it } from "vitest";
import { presenceFrom } from "./section-presence";

describe("presence", () => {
  it("shows each person once, me first", () => {
    const states = new Map<number, Record<string, unknown>>([
      [1, { user: { id: "b", name: "Bea", organisation: "KGG", color: "#112233" } }],
      [2, { user: { id: "a", name: "Ann", organisation: "EZ", color: "#445566" } }],
      [3, { user: { id: "b", name: "Bea", organisation: "KGG", color: "#112233" } }],
      [4, { user: { id: "me", name: "Zed", color: "javascript:alert(1)" } }],
      [5, {}],
    ]);
    const people = presenceFrom(states, 4, "me");
    expect(people.map((p) => p.name)).toEqual(["Zed", "Ann", "Bea"]);
    expect(people[0]).toMatchObject({ self: true, color: "#57606a", organisation: null });
  });
});
