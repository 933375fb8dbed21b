import v8 from "node:v8";
import { describe, expect, it } from "vitest";
import { settleMemory } from "../server/memory";

const MB = 1024 * 1024;
const youngGeneration = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === "new_space")!.space_size;

describe("giving back the start-up's memory (npm start, before it listens)", () => {
  it("shrinks the young generation a burst of surviving allocations grew", () => {
    // A start-up in miniature: many objects that live long enough to survive scavenges.
    const kept: unknown[] = [];
    for (let round = 0; round < 40 && youngGeneration() < 16 * MB; round++) {
      kept.push(Array.from({ length: 100_000 }, (_, i) => ({ i, label: `item ${i}` })));
    }
    const grown = youngGeneration();
    expect(grown).toBeGreaterThanOrEqual(8 * MB);
    kept.length = 0; // the burst is over: what it kept is garbage now

    expect(settleMemory()).toBe(true);
    expect(youngGeneration()).toBeLessThanOrEqual(grown / 4);
  });
});
