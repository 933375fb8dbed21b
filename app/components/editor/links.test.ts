import { describe, expect, it } from "vitest";
import { normaliseLink } from "./links";

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
