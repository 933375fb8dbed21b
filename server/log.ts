/** A small levelled logger writing one line per event to stderr/stdout. */
export type Level = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

export function createLogger(level: Level = "info", scope = "overleg"): Logger {
  const write = (l: Exclude<Level, "silent">, msg: string, data?: Record<string, unknown>) => {
    if (order[l] < order[level]) return;
    const extra = data && Object.keys(data).length ? ` ${JSON.stringify(data)}` : "";
    const line = `${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} [${scope}] ${msg}${extra}`;
    (l === "error" || l === "warn" ? console.error : console.log)(line);
  };
  return {
    debug: (m, d) => write("debug", m, d),
    info: (m, d) => write("info", m, d),
    warn: (m, d) => write("warn", m, d),
    error: (m, d) => write("error", m, d),
    child: (s) => createLogger(level, `${scope}:${s}`),
  };
}
