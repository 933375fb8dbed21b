/**
 * The section lifecycle (server/lifecycle.ts): which step is possible from which status, what each
 * step makes of it, and what the review decisions make of a section under review. The expected
 * answers are written out by hand from the product's lifecycle (draft → in review → approved → final →
 * published, with reopening; ADR 016).
 */
import { describe, expect, it } from "vitest";
import { canRearrange, canStep, isLocked, isUnderReview, statusAfter, statusAfterReview, statusesFrom, type LifecycleStep } from "../server/lifecycle";
import { SECTION_STATUSES } from "../server/policy";

describe("section lifecycle", () => {
  it("allows each step only from the statuses the lifecycle names", () => {
    const table: Record<LifecycleStep, string> = {
      //              draft in_review approved final published
      requestReview: "Y Y . . .",
      decide: ". Y Y . .",
      signOff: ". . Y . .",
      reopen: ". . . Y .",
      publish: ". . . Y .",
    };
    for (const [step, row] of Object.entries(table) as [LifecycleStep, string][]) {
      const expected = row.split(" ").map((c) => c === "Y");
      expect(SECTION_STATUSES.map((s) => canStep(s, step)), step).toEqual(expected);
      expect(statusesFrom(step), step).toEqual(SECTION_STATUSES.filter((_, i) => expected[i]));
    }
  });

  it("says where each step leads, and locks a signed-off or published text", () => {
    expect(statusAfter("requestReview")).toBe("in_review");
    expect(statusAfter("signOff")).toBe("final");
    expect(statusAfter("reopen")).toBe("draft");
    expect(statusAfter("publish")).toBe("published");
    expect(SECTION_STATUSES.filter(isLocked)).toEqual(["final", "published"]);
    expect(SECTION_STATUSES.filter(isUnderReview)).toEqual(["in_review", "approved"]);
  });

  it("lets a section move or be archived only until it is signed off", () => {
    expect(SECTION_STATUSES.filter(canRearrange)).toEqual(["draft", "in_review", "approved"]);
  });

  it("is approved only while every required organisation approved the current text", () => {
    const required = ["bzk", "ezk"];
    const approvedA = new Map([
      ["bzk", { decision: "approve", contentHash: "a" }],
      ["ezk", { decision: "approve", contentHash: "a" }],
    ]);
    expect(statusAfterReview(required, approvedA, "a")).toBe("approved");
    // An edit after approval: the approvals are stale, the section is in review again …
    expect(statusAfterReview(required, approvedA, "b")).toBe("in_review");
    // … and approved again when the text returns to the approved one.
    expect(statusAfterReview(required, approvedA, "a")).toBe("approved");
    const oneAsksChanges = new Map([...approvedA, ["ezk", { decision: "request_changes", contentHash: "a" }]]);
    expect(statusAfterReview(required, oneAsksChanges, "a")).toBe("in_review");
    expect(statusAfterReview(required, new Map([["bzk", { decision: "approve", contentHash: "a" }]]), "a")).toBe("in_review");
    expect(statusAfterReview([], new Map(), "a")).toBe("in_review");
  });
});
