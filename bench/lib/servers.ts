/** Starting each server under test fresh, and what the load generator needs to reach it. */
import { DEMO_PASSWORD } from "../../server/seed/content";
import type { ServerKind, Target } from "./client";
import type { SuggestionAuthor } from "../../app/shared/suggestions";
import { BENCH_PERSON, BENCH_SUGGESTER, freshOverlegDatabase } from "./overleg-db";
import { freePort, spawnServer, type ServerChild } from "./proc";

export const SERVER_KINDS: ServerKind[] = ["overleg", "y-websocket", "hocuspocus"];

export interface Running {
  target: Target;
  child: ServerChild;
  /** The document (section) name for slot `i`: Overleg's are section ids, the peers' any name. */
  doc(i: number): string;
  /** Overleg: the database URL it serves (to restart it on the same data). */
  databaseUrl?: string;
  /** Overleg: a commenter's session and identity, for writers who may only suggest. */
  suggest?: { headers: Record<string, string>; author: SuggestionAuthor };
}

export interface StartOptions {
  /** Reuse this Overleg database (restart) instead of a fresh copy. */
  databaseUrl?: string;
  /** Peers: the document fetched from a file when first opened. */
  coldDoc?: string;
  coldFile?: string;
  cpuProfDir?: string;
  /** Sections the Overleg template holds. */
  sections: number;
  /** Overleg: more environment for the child (REDIS_URL for one of several nodes). */
  env?: Record<string, string>;
}

async function signIn(url: string, email = BENCH_PERSON): Promise<string> {
  const res = await fetch(`${url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function startTarget(kind: ServerKind, options: StartOptions): Promise<Running> {
  const port = await freePort();
  if (port === 3000) throw new Error("refusing port 3000");
  if (kind === "overleg") {
    const databaseUrl = options.databaseUrl ?? (await freshOverlegDatabase(options.sections));
    const child = await spawnServer("overleg.ts", {
      env: { ...options.env, BENCH_PORT: String(port), BENCH_DATABASE_URL: databaseUrl },
      cpuProfDir: options.cpuProfDir,
    });
    try {
      const cookie = await signIn(child.info.url);
      const sections = child.info.sections as string[];
      const author = child.info.suggester as SuggestionAuthor | null;
      return {
        target: { kind, url: child.info.url, headers: { cookie } },
        child,
        databaseUrl,
        suggest: author ? { headers: { cookie: await signIn(child.info.url, BENCH_SUGGESTER) }, author } : undefined,
        doc: (i) => {
          if (i >= sections.length) throw new Error(`the bench database has only ${sections.length} sections`);
          return sections[i];
        },
      };
    } catch (error) {
      await child.stop();
      throw error;
    }
  }
  const env: Record<string, string> = { BENCH_PORT: String(port) };
  if (options.coldDoc && options.coldFile) {
    env.BENCH_COLD_DOC = options.coldDoc;
    env.BENCH_COLD_FILE = options.coldFile;
  }
  const child = await spawnServer(kind === "y-websocket" ? "y-websocket.ts" : "hocuspocus.ts", { env, cpuProfDir: options.cpuProfDir });
  return { target: { kind, url: child.info.url, headers: {} }, child, doc: (i) => `bench-section-${i}` };
}
