/**
 * The order in which test files start: the longest first, so that the two workers finish together
 * instead of one of them starting a long file at the end. Durations come from vitest's cache of the
 * last run; on a clean clone there is none, and the files known to be long (they start Overleg as a
 * child process, again and again) go first, then the rest by size.
 */
import { statSync } from "node:fs";
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Files (or folders) that take longest on a clean clone, longest first: they start Overleg processes. */
export const LONG_FIRST = ["test/scale/", "test/collab/durability.test.ts", "test/seed.test.ts", "test/api/sign-in-limit.test.ts", "test/agendas/", "test/security/dev-server.test.ts"];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cache = this.ctx.cache;
    const key = (spec: TestSpecification) => `${spec.project.name}:${relative(root, spec.moduleId)}`;
    const known = (spec: TestSpecification) => {
      const path = relative(root, spec.moduleId);
      const index = LONG_FIRST.findIndex((long) => path.startsWith(long));
      return index < 0 ? LONG_FIRST.length : index;
    };
    const size = (spec: TestSpecification) => {
      try {
        return statSync(spec.moduleId).size;
      } catch {
        return 0;
      }
    };
    return [...files].sort((a, b) => {
      const durationA = cache.getFileTestResults(key(a))?.duration;
      const durationB = cache.getFileTestResults(key(b))?.duration;
      if (durationA !== undefined && durationB !== undefined) return durationB - durationA;
      return known(a) - known(b) || size(b) - size(a);
    });
  }
}
