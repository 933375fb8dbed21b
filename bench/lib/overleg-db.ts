/**
 * Overleg's databases for the bench: a template SQLite file (the demo data plus draft sections named
 * "Bench section NNNN" in a workspace the demo lead owns), copied fresh for every server start.
 */
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asc } from "drizzle-orm";
import { openDatabase, type Database } from "../../db/index";
import { seedDemo } from "../../server/seed/seed";
import { createAuth } from "../../server/auth";
import { parseEnv } from "../../server/env";
import { createLogger } from "../../server/log";

export const BENCH_PERSON = "lead@ez.example";
/** A commenter of the bench workspace (the demo's first): the suggesting typist. */
export const BENCH_SUGGESTER = "expert@fme.example";

export const benchDir = mkdtempSync(join(tmpdir(), "overleg-bench-"));

/** Seeds `database` and adds `sections` bench sections; returns their ids. */
export async function seedBench(database: Database, sections: number): Promise<string[]> {
  const env = parseEnv({ NODE_ENV: "test", LOG_LEVEL: "error" });
  const log = createLogger("error");
  await seedDemo(database, createAuth(database, env), log);
  const { db, t } = database;
  const [workspace] = await db.select({ id: t.workspaces.id }).from(t.workspaces).orderBy(asc(t.workspaces.position)).limit(1);
  const ids: string[] = [];
  const rows = Array.from({ length: sections }, (_, i) => {
    const id = crypto.randomUUID();
    ids.push(id);
    return { id, workspaceId: workspace.id, title: `Bench section ${String(i).padStart(4, "0")}`, position: 1000 + i };
  });
  for (let i = 0; i < rows.length; i += 200) await db.insert(t.sections).values(rows.slice(i, i + 200));
  return ids;
}

let template: string | null = null;

/** A fresh copy of the template database; returns its URL. */
export async function freshOverlegDatabase(sections: number): Promise<string> {
  if (!template) {
    const path = join(benchDir, "template.db");
    const database = await openDatabase(`file:${path}`);
    await seedBench(database, sections);
    database.sqlite?.pragma("wal_checkpoint(TRUNCATE)");
    await database.close();
    template = path;
  }
  let n = 0;
  let path: string;
  do path = join(benchDir, `overleg-${n++}.db`);
  while (existsSync(path));
  copyFileSync(template, path);
  return `file:${path}`;
}
