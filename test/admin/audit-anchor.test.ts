/**
 * Signed checkpoints anchor the audit chain: what the chain alone cannot show (its newest rows
 * deleted; a row rewritten and every later hash recomputed with the documented algorithm; a
 * checkpoint written by someone without the key) is reported by `npm run audit:verify`, with a
 * non-zero exit code, against the last checkpoint. Runs on SQLite, and on PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { asc, eq, gt } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendAudit, auditHash, verifyAuditChain } from "../../server/services/audit";
import {
  checkpointVerifies,
  generateAuditKeyPem,
  listCheckpoints,
  loadAuditKey,
  recordCheckpoint,
  signCheckpoint,
  verifyAuditTrail,
  type AuditKey,
} from "../../server/services/audit-anchor";
import { appendAuditEvents, freshDatabasePerTest } from "../support/audit";
import { startTestServer } from "../support/server";
import { serverBundle } from "../support/spawn";

const root = resolve(import.meta.dirname, "../..");
const dialect = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "SQLite";

/** `npm run audit:verify` as an operator runs it: a child process with the configuration in its environment. */
function auditVerify(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|AUDIT_|NODE_ENV|VITEST)/.test(k)));
  const child = spawn(process.execPath, [serverBundle("audit-verify"), ...args], {
    cwd: root,
    env: { ...clean, ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

describe(`audit checkpoints (${dialect})`, () => {
  const fresh = freshDatabasePerTest();
  let dir: string;
  let keyFile: string;
  let key: AuditKey;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "overleg-audit-key-"));
    keyFile = join(dir, "audit-key.pem");
    key = loadAuditKey(keyFile, { create: true });
  });
  afterEach(async () => {
    rmSync(dir, { recursive: true, force: true });
  });

  const events = () => fresh.database.t.auditEvents;

  const appendMany = (n: number) => appendAuditEvents(fresh.database, n);

  /** What a forger with the fresh.database and the documented algorithm does: change one row, recompute every later hash. */
  async function rewriteFrom(seq: number, change: { actorId: string }) {
    const rows = await fresh.database.db.select().from(events()).where(gt(events().seq, seq - 1)).orderBy(asc(events().seq));
    let prevHash = rows[0].prevHash;
    for (const [i, row] of rows.entries()) {
      const fields = { ...row, seq: Number(row.seq), ...(i === 0 ? change : {}) };
      const hash = auditHash(prevHash, fields);
      await fresh.database.db.update(events()).set({ ...(i === 0 ? change : {}), prevHash, hash }).where(eq(events().seq, fields.seq));
      prevHash = hash;
    }
  }

  it("generates a key once, readable by its owner only, and the same key for every later reader", () => {
    const again = loadAuditKey(keyFile, { create: true });
    expect(again.keyId).toBe(key.keyId);
    expect(key.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(readFileSync(keyFile, "utf8")).toContain("BEGIN PRIVATE KEY");
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    expect(() => loadAuditKey(join(dir, "missing.pem"), { create: false })).toThrow(/AUDIT_KEY_FILE .*no such file/);
    writeFileSync(join(dir, "junk.pem"), "not a key");
    expect(() => loadAuditKey(join(dir, "junk.pem"), { create: false })).toThrow(/not a private key/);
  });

  it("verifies an intact chain with checkpoints, in the library and through the CLI", async () => {
    await appendMany(4);
    await recordCheckpoint(fresh.database, key, "start");
    await appendMany(3);
    const second = await recordCheckpoint(fresh.database, key, "interval");
    await appendMany(2);
    expect(second).toMatchObject({ eventSeq: 7, keyId: key.keyId, reason: "interval" });
    expect(checkpointVerifies(key, second!)).toBe(true);

    const verdict = await verifyAuditTrail(fresh.database, key);
    expect(verdict).toMatchObject({ ok: true, problems: [], checkpoints: { count: 2, valid: 2 }, newest: { eventSeq: 7 } });

    const cli = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile });
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain("audit chain intact: 9 events");
    expect(cli.stdout).toContain(`checkpoints: 2 signed with key ${key.keyId}; the newest covers seq 7`);
    expect(cli.stdout).toContain("2 newer event(s) not yet covered by a checkpoint");
  });

  it("reports the newest rows deleted after a checkpoint as truncation (CLI exit 1)", async () => {
    await appendMany(6);
    await recordCheckpoint(fresh.database, key, "interval");
    await appendMany(1);
    // Rows 5, 6 and 7 deleted: what is left still links up.
    await fresh.database.db.delete(events()).where(gt(events().seq, 4));
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: true, count: 4 });

    const verdict = await verifyAuditTrail(fresh.database, key);
    expect(verdict.ok).toBe(false);
    expect(verdict.problems).toEqual([expect.objectContaining({ kind: "truncated", lastSeq: 4, anchor: expect.objectContaining({ eventSeq: 6 }) })]);

    const cli = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain("audit trail NOT intact");
    expect(cli.stdout).toMatch(/TRUNCATED: the chain ends at seq 4, but the checkpoint of \S+ \(interval\) covers seq 6: 2 newest event\(s\) were deleted/);
  });

  it("reports a row rewritten with every later hash recomputed, between the checkpoints that bound it", async () => {
    await appendMany(3);
    await recordCheckpoint(fresh.database, key, "start");
    await appendMany(4);
    await recordCheckpoint(fresh.database, key, "interval");
    await appendMany(2);
    await rewriteFrom(5, { actorId: "forger" });
    // The documented algorithm makes the chain itself link up again.
    expect(await verifyAuditChain(fresh.database)).toMatchObject({ ok: true, count: 9 });

    const verdict = await verifyAuditTrail(fresh.database, key);
    expect(verdict.problems).toEqual([
      expect.objectContaining({ kind: "rewritten", afterSeq: 3, anchor: expect.objectContaining({ eventSeq: 7 }) }),
    ]);
    const cli = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/REWRITTEN: the event at seq 7 has hash [0-9a-f]{64}, but the checkpoint of \S+ \(interval\) signed [0-9a-f]{64}: an event from seq 4 to 7 was changed/);
  });

  it("reports a checkpoint signed with another key, and one whose fields were altered after signing", async () => {
    await appendMany(5);
    const good = await recordCheckpoint(fresh.database, key, "start");
    // A forger truncates the chain and writes a checkpoint for the shorter head with a key of their own.
    const other = loadAuditKey(join(dir, "other.pem"), { create: true });
    await fresh.database.db.delete(events()).where(gt(events().seq, 3));
    const [head] = await fresh.database.db.select().from(events()).where(eq(events().seq, 3));
    const at = new Date();
    const forged = { id: crypto.randomUUID(), at, reason: "interval", eventSeq: 3, eventHash: head.hash, keyId: key.keyId };
    await fresh.database.db.insert(fresh.database.t.auditCheckpoints).values({ ...forged, signature: signCheckpoint(other, forged) });
    // …and moves the genuine checkpoint back to the new head, keeping its signature.
    await fresh.database.db.update(fresh.database.t.auditCheckpoints).set({ eventSeq: 3, eventHash: head.hash }).where(eq(fresh.database.t.auditCheckpoints.id, good!.id));

    const verdict = await verifyAuditTrail(fresh.database, key);
    expect(verdict.problems.map((p) => p.kind).sort()).toEqual(["forged", "forged", "unanchored"]);
    const cli = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`FORGED checkpoint ${forged.id} (seq 3,`);
    expect(cli.stdout).toContain(`FORGED checkpoint ${good!.id} (seq 3,`);
    expect(cli.stdout).toContain("its signature does not verify with the audit key");
    expect(cli.stdout).toContain("UNANCHORED: 3 events but no valid signed checkpoint");
  });

  it("catches rows deleted together with their checkpoints, given the head from the server log", async () => {
    await appendMany(3);
    await recordCheckpoint(fresh.database, key, "start");
    await appendMany(3);
    const logged = await recordCheckpoint(fresh.database, key, "interval");
    await fresh.database.db.delete(events()).where(gt(events().seq, 4));
    await fresh.database.db.delete(fresh.database.t.auditCheckpoints).where(eq(fresh.database.t.auditCheckpoints.id, logged!.id));
    // From the fresh.database alone the shorter chain looks whole…
    expect((await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile })).code).toBe(0);
    // …but not against the head the server logged.
    const cli = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile }, ["--head", `${logged!.eventSeq}:${logged!.eventHash}`]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain("TRUNCATED: the chain ends at seq 4, but the head given with --head covers seq 6");

    const bad = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: keyFile }, ["--head", "six"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected <seq>:<64 hex digits>");
  });

  it("cannot check without the key, and says so (exit 2)", async () => {
    await appendMany(1);
    const cli = await auditVerify({ DATABASE_URL: fresh.url, AUDIT_KEY_FILE: join(dir, "nowhere.pem") });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("cannot check the audit checkpoints: AUDIT_KEY_FILE");
    expect(cli.stderr).toContain("no such file");
  });

  it("does not accept a key file that is not an Ed25519 key", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    writeFileSync(join(dir, "ec.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(() => loadAuditKey(join(dir, "ec.pem"), { create: false })).toThrow(/must be an Ed25519 private key, not ec/);
    expect(generateAuditKeyPem()).toContain("BEGIN PRIVATE KEY");
  });
});

describe(`a server anchoring its audit chain (${dialect})`, () => {
  it("records a checkpoint at start, every N events, and at shutdown, and logs each head", async () => {
    const dir = mkdtempSync(join(tmpdir(), "overleg-audit-key-"));
    const keyFile = join(dir, "audit-key.pem");
    const lines: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      const line = args.map(String).join(" ");
      if (line.includes("audit checkpoint")) lines.push(line);
      else original(...args);
    };
    const server = await startTestServer({ env: { AUDIT_KEY_FILE: keyFile, AUDIT_CHECKPOINT_EVERY: "3", LOG_LEVEL: "info" } });
    const { database } = server;
    try {
      const key = loadAuditKey(keyFile, { create: false });
      const seeded = Number((await verifyAuditChain(database)).count);
      let checkpoints = await listCheckpoints(database);
      expect(checkpoints.map((c) => [c.reason, c.eventSeq])).toEqual([["start", seeded]]);
      expect(lines.some((l) => l.includes(`"head":"${seeded}:${checkpoints[0].eventHash}"`) && l.includes(`"keyId":"${key.keyId}"`))).toBe(true);

      // Two events: not yet due. A third: due.
      const append = (i: number) =>
        database.transaction((tx) => appendAudit(tx, { actorId: null, action: "test.event", subjectType: "test", subjectId: String(i) }));
      await append(1);
      await append(2);
      expect(await server.auditAnchor.tick()).toBeNull();
      await append(3);
      expect(await server.auditAnchor.tick()).toMatchObject({ reason: "interval", eventSeq: seeded + 3 });
      expect(await server.auditAnchor.tick()).toBeNull();

      await server.close();
      checkpoints = await listCheckpoints(database);
      expect(checkpoints.map((c) => [c.reason, c.eventSeq])).toEqual([
        ["start", seeded],
        ["interval", seeded + 3],
        ["shutdown", seeded + 3],
      ]);
      expect(checkpoints.every((c) => checkpointVerifies(key, c))).toBe(true);
      expect(lines.filter((l) => l.includes('"reason":"shutdown"'))).toHaveLength(1);
      expect(await verifyAuditTrail(database, key)).toMatchObject({ ok: true });
    } finally {
      console.log = original;
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
