/** Latency histogram (50 µs buckets up to 60 s), so millions of samples cost a few MB. */
export class Histogram {
  private static readonly BUCKET_MS = 0.05;
  private readonly buckets = new Uint32Array(60_000 / Histogram.BUCKET_MS);
  count = 0;
  max = 0;

  record(ms: number): void {
    const b = Math.min(this.buckets.length - 1, Math.max(0, Math.floor(ms / Histogram.BUCKET_MS)));
    this.buckets[b]++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The p-th percentile (0 < p ≤ 100) in ms, at the upper edge of its bucket; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i];
      if (seen >= rank) return Math.min(this.max, (i + 1) * Histogram.BUCKET_MS);
    }
    return this.max;
  }
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/** Generator (this process) CPU as a fraction of one core over a wall-clock interval. */
export function cpuMeter(): () => { cpuMs: number; wallMs: number; pctOfCore: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const c = process.cpuUsage(c0);
    const wallMs = performance.now() - t0;
    const cpuMs = (c.user + c.system) / 1000;
    return { cpuMs, wallMs, pctOfCore: (cpuMs / wallMs) * 100 };
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
