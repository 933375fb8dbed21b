import { describe, expect, it } from "vitest";
import { CloseCode } from "../../shared/collab";
import { stateAfterClose, stopReasonForClose, stopReasonForProbe } from "./connection";

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
