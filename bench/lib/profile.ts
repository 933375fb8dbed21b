/** Summarises V8 CPU profiles (.cpuprofile): self time per function, top first, idle time left out. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  fn: string;
  selfMs: number;
  pct: number;
}

export function summariseProfiles(dir: string, top = 15): ProfileLine[] {
  const self = new Map<string, number>();
  let total = 0;
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  } catch {
    return [];
  }
  const root = join(import.meta.dirname, "..", "..");
  for (const f of files) {
    const profile = JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i]);
      if (!node) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${relative(root, url.replace(/^file:\/\//, ""))}:${lineNumber + 1}` : "";
      const key = `${functionName || "(anonymous)"} ${where}`.trim();
      const us = profile.timeDeltas[i] ?? 0;
      if (functionName === "(idle)") continue; // waiting: not cost
      self.set(key, (self.get(key) ?? 0) + us);
      total += us;
    }
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, us]) => ({ fn, selfMs: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
}
