/**
 * The audit trail leaves Overleg as CSV and JSON (admins only), and `npm run audit:verify` checks the
 * chain from the command line, pointing at the first broken row.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { loadActor } from "../../server/services/access";
import { auditHash, GENESIS_HASH } from "../../server/services/audit";
import { requestReview } from "../../server/commands/reviewRequest";
import { createVersion } from "../../server/commands/versionCreate";
import { startTestServer, type TestServer } from "../support/server";

const run = promisify(execFile);
let server: TestServer;

beforeAll(async () => {
  ensureBuild();
  server = await startTestServer({ remix: "build" });
  // A few audited steps: a named version and a review request.
  const lead = (await loadActor(server.database, await server.userId("lead@ez.example")))!;
  const [sectionId] = await server.sectionIds("Toegang tot financiering");
  await createVersion(server.services, { actor: lead, sectionId, name: "Eerste opzet" });
  await requestReview(server.services, { actor: lead, sectionId, dueDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) });
}, 300_000);

afterAll(async () => {
  await server?.stop();
});

async function download(path: string, email: string) {
  const { cookie } = await server.signIn(email);
  const res = await fetch(`${server.url}${path}`, { headers: { cookie } });
  return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), body: await res.text() };
}

async function verifyCli(): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run("npx", ["tsx", "server/audit-cli.ts"], { env: { ...process.env, DATABASE_URL: server.env.DATABASE_URL, NODE_ENV: "test" } });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe("audit trail export and verification", () => {
  it("exports every event with its hashes as JSON and CSV, to admins only", async () => {
    expect((await download("/admin/audit/export?format=json", "lead@ez.example")).status).toBe(403);
    expect((await download("/admin/audit/export?format=xml", "admin@overleg.example")).status).toBe(400);
    const json = await download("/admin/audit/export?format=json", "admin@overleg.example");
    expect(json.status).toBe(200);
    expect(json.disposition).toMatch(/attachment; filename="overleg-audit-.*\.json"/);
    const { events } = JSON.parse(json.body) as { events: { seq: number; id: string; at: string; prevHash: string; hash: string; actorId: string | null; action: string; subjectType: string; subjectId: string; workspaceId: string | null; data: Record<string, unknown> }[] };
    expect(events.map((e) => e.action)).toEqual(["version.created", "review.requested"]);
    // The exported chain checks out on its own.
    let prev = GENESIS_HASH;
    for (const e of events) {
      expect(e.prevHash).toBe(prev);
      expect(auditHash(e.prevHash, { ...e, at: new Date(e.at) })).toBe(e.hash);
      prev = e.hash;
    }
    const csv = await download("/admin/audit/export?format=csv", "admin@overleg.example");
    expect(csv.type).toMatch(/text\/csv/);
    const lines = csv.body.trim().split("\r\n");
    expect(lines[0]).toBe("seq,id,at,actorId,action,subjectType,subjectId,workspaceId,data,prevHash,hash");
    // The JSON export was itself audited, so the CSV has one more event.
    expect(lines.length - 1).toBe(events.length + 1);
    expect(lines.at(-1)).toContain('"audit.exported"');
  });

  it("says the chain is intact from the command line, and names the first changed row after tampering", async () => {
    const intact = await verifyCli();
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/audit chain intact: \d+ events/);
    const { db, t } = server.database;
    await db.update(t.auditEvents).set({ action: "membership.removed" }).where(eq(t.auditEvents.seq, 2));
    const broken = await verifyCli();
    expect(broken.code).toBe(1);
    expect(broken.out).toContain("BROKEN at seq 2 (hash_mismatch");
  });
});
