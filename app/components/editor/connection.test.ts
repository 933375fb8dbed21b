import { describe, expect, it } from "vitest";
import { CloseCode } from "../../shared/collab";
import { normaliseLink, presenceFrom, stateAfterClose, stopReasonForClose, stopReasonForProbe } from "./connection";

describe("close codes", () => {
  it("stops for decisions of the server and reconnects otherwise", () => {
    expect(stopReasonForClose(CloseCode.Unauthorized)).toBe("signedOut");
    expect(stopReasonForClose(CloseCode.Forbidden)).toBe("forbidden");
    expect(stopReasonForClose(CloseCode.NotFound)).toBe("notFound");
    expect(stopReasonForClose(CloseCode.TooLarge)).toBe("tooLarge");
    expect(stopReasonForClose(CloseCode.RateLimited)).toBe("rateLimited");
    expect(stopReasonForClose(CloseCode.Malformed)).toBe("malformed");
    expect(stopReasonForClose(4450)).toBe("refused");
    for (const code of [1000, 1001, 1006, 1011, CloseCode.StorageFailed]) expect(stopReasonForClose(code)).toBeNull();
  });

  it("maps closes to states", () => {
    expect(stateAfterClose(null)).toEqual({ kind: "offline" });
    expect(stateAfterClose(1006)).toEqual({ kind: "offline" });
    expect(stateAfterClose(1001)).toEqual({ kind: "reconnecting", cause: "goingAway" });
    expect(stateAfterClose(4503)).toEqual({ kind: "reconnecting", cause: "storageFailed" });
    expect(stateAfterClose(4401)).toEqual({ kind: "stopped", reason: "signedOut" });
  });

  it("trusts only JSON errors from the API probe", () => {
    expect(stopReasonForProbe(401, { error: { code: "unauthorized", message: "" } })).toBe("signedOut");
    expect(stopReasonForProbe(404, { error: { code: "not_found", message: "" } })).toBe("notFound");
    expect(stopReasonForProbe(404, null)).toBeNull();
    expect(stopReasonForProbe(200, { id: "x" })).toBeNull();
    expect(stopReasonForProbe(500, { error: { code: "x" } })).toBeNull();
  });
});

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

describe("links", () => {
  it("accepts http, https and mailto only", () => {
    expect(normaliseLink("https://www.rijksoverheid.nl/x?y=1")).toBe("https://www.rijksoverheid.nl/x?y=1");
    expect(normaliseLink("www.tno.nl")).toBe("https://www.tno.nl/");
    expect(normaliseLink("lead@ez.example")).toBe("mailto:lead@ez.example");
    expect(normaliseLink("mailto:lead@ez.example")).toBe("mailto:lead@ez.example");
    expect(normaliseLink("javascript:alert(1)")).toBeNull();
    expect(normaliseLink("data:text/html,hi")).toBeNull();
    expect(normaliseLink("/relative")).toBeNull();
    expect(normaliseLink("ftp://x.nl")).toBeNull();
    expect(normaliseLink("")).toBeNull();
  });
});
