/**
 * The demo data of the README ("Demo accounts"), and what a production start does instead: no demo person with a
 * published password, only the first admin from ADMIN_EMAIL / ADMIN_PASSWORD. Runs on SQLite, and on
 * PostgreSQL when TEST_DATABASE_URL is set (npm run test:pg).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { and, count, eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/index";
import { reviewDecision, reviewRequest } from "../server/policy";
import { loadActor, loadSectionFacts } from "../server/services/access";
import { agendaDeadline } from "../server/seed/seed";
import * as content from "../server/seed/content";
import { generateAuditKeyPem } from "../server/services/audit-anchor";
import { freePort, freshDatabaseUrl, seededDatabaseUrl, startTestServer, type TestServer } from "./support/server";
import { serverBundle } from "./support/spawn";

const root = resolve(import.meta.dirname, "..");
const CONFIG_KEYS = ["NODE_ENV", "PORT", "HOST", "DATABASE_URL", "REDIS_URL", "BETTER_AUTH_SECRET", "PUBLIC_URL", "ALLOW_SIGNUP", "SEED_DEMO", "ADMIN_EMAIL", "ADMIN_PASSWORD", "LOG_LEVEL"];
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_KEYS.includes(k) && !k.startsWith("VITEST")));

const TNO_RECOMMENDATIONS = [
  "Toegang tot financiering",
  "Afnameverplichtingen op lange termijn",
  "Leveringscontracten op lange termijn",
  "Een duidelijke en consistente beleidsomgeving",
  "Infrastructuur en ruimte",
  "Geschoolde arbeidskrachten",
];
const SHORT_TERM_ACTIONS = [
  "Centraal contactpunt",
  "Werkgroep strategische projecten",
  "Lacunes in het instrumentarium",
  "Advies Speciaal Vertegenwoordiger",
  "Grensoverschrijdende samenwerking",
];

describe("the demo data", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ template: false });
  });
  afterAll(() => server?.stop());

  it("has the six TNO recommendations and the five short-term actions as workspaces, in agenda order", async () => {
    const { db, t } = server.database;
    const rows = await db.select({ title: t.workspaces.title }).from(t.workspaces).orderBy(t.workspaces.position);
    expect(rows.map((r) => r.title)).toEqual([...TNO_RECOMMENDATIONS, ...SHORT_TERM_ACTIONS]);
  });

  it("gives every workspace the deadline of 30 September next year and a lead organisation", async () => {
    const { db, t } = server.database;
    const rows = await db.select({ deadline: t.workspaces.deadline, lead: t.workspaces.leadOrganisationId }).from(t.workspaces);
    expect(rows).toHaveLength(11);
    const year = new Date().getUTCFullYear() + 1;
    for (const row of rows) {
      expect(row.deadline).toBe(`${year}-09-30`);
      expect(row.lead).toBeTruthy();
    }
    expect(agendaDeadline(new Date("2026-11-01T12:00:00Z"))).toBe("2027-09-30");
  });

  it("has the organisations the letter names, with their kinds", async () => {
    const { db, t } = server.database;
    const rows = await db.select({ code: t.organisations.shortCode, kind: t.organisations.kind, name: t.organisations.name }).from(t.organisations);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    // The ministries, industry associations and institute of the letter, and the minister's office.
    for (const [code, kind, name] of [
      ["EZ", "ministry", /Economische Zaken/],
      ["KGG", "ministry", /Klimaat en Groene Groei/],
      ["OCW", "ministry", /Onderwijs, Cultuur en Wetenschap/],
      ["SZW", "ministry", /Sociale Zaken en Werkgelegenheid/],
      ["FME", "industry", /FME/],
      ["MU", "industry", /Metaalunie/],
      ["TNO", "institute", /TNO/],
      ["MIN", "minister-office", /minister/i],
      ["BE", "partner-country", /Belgi/],
    ] as const) {
      expect(byCode.get(code), code).toBeDefined();
      expect(byCode.get(code)!.kind, code).toBe(kind);
      expect(byCode.get(code)!.name, code).toMatch(name);
    }
  });

  it("gives every workspace starter sections with text", async () => {
    const { db, t } = server.database;
    const [sections] = await db.select({ n: count() }).from(t.sections);
    expect(Number(sections.n)).toBe(content.workspaces.reduce((n, w) => n + w.sections.length, 0));
    for (const title of [TNO_RECOMMENDATIONS[0], SHORT_TERM_ACTIONS[4]]) {
      const [first] = await server.sectionIds(title);
      const [snapshot] = await db.select().from(t.yjsSnapshots).where(eq(t.yjsSnapshots.sectionId, first));
      expect(snapshot, title).toBeDefined();
      const doc = new Y.Doc();
      Y.applyUpdate(doc, new Uint8Array(snapshot.data));
      expect(doc.getXmlFragment("default").toString().length, title).toBeGreaterThan(50);
      doc.destroy();
    }
  });

  it("lets every demo person sign in with the published password", async () => {
    for (const person of content.people) {
      const session = await server.signIn(person.email);
      expect(session.token, person.email).toBeTruthy();
    }
  });

  it("puts the demo people in the roles the README lists", async () => {
    const { db, t } = server.database;
    const roleOf = async (email: string, workspace: string) => {
      const rows = await db
        .select({ role: t.memberships.role })
        .from(t.memberships)
        .where(and(eq(t.memberships.userId, await server.userId(email)), eq(t.memberships.workspaceId, await server.workspaceId(workspace))));
      return rows[0]?.role ?? null;
    };
    for (const title of [...TNO_RECOMMENDATIONS, ...SHORT_TERM_ACTIONS]) {
      expect(await roleOf("lead@ez.example", title), title).toBe("owner");
      expect(await roleOf("drafter@kgg.example", title), title).toBe("editor");
      expect(await roleOf("viewer@tno.example", title), title).toBe("viewer");
      expect(await roleOf("office@minister.example", title), title).toBeNull();
      expect(["editor", "commenter"]).toContain(await roleOf("expert@fme.example", title));
      expect(await roleOf("partner@be.example", title), title).toBe(title === "Grensoverschrijdende samenwerking" ? "commenter" : null);
    }
    // The skilled-labour workspace needs OCW's approval, and the OCW approver is a member of it.
    const labour = await server.workspaceId("Geschoolde arbeidskrachten");
    const approvers = await db
      .select({ code: t.organisations.shortCode })
      .from(t.workspaceApprovers)
      .innerJoin(t.organisations, eq(t.organisations.id, t.workspaceApprovers.organisationId))
      .where(eq(t.workspaceApprovers.workspaceId, labour));
    expect(approvers.map((a) => a.code)).toContain("OCW");
    expect(await roleOf("approver@ocw.example", "Geschoolde arbeidskrachten")).not.toBeNull();
    const [admin] = await db.select({ isAdmin: t.user.isAdmin }).from(t.user).where(eq(t.user.email, "admin@overleg.example"));
    expect(Boolean(admin.isAdmin)).toBe(true);
  });

  it("lets every demo workspace go through a review to sign-off under the separation of duties", async () => {
    const { db, t } = server.database;
    const lead = (await loadActor(server.database, await server.userId("lead@ez.example")))!;
    const people = await Promise.all(content.people.map(async (p) => (await loadActor(server.database, await server.userId(p.email)))!));
    for (const title of [...TNO_RECOMMENDATIONS, ...SHORT_TERM_ACTIONS]) {
      const workspaceId = await server.workspaceId(title);
      const [sectionId] = await server.sectionIds(title);
      const approverIds = (await db.select({ id: t.workspaceApprovers.organisationId }).from(t.workspaceApprovers).where(eq(t.workspaceApprovers.workspaceId, workspaceId))).map((r) => r.id);
      // The lead (owner, EZ) may ask for a review: someone other than EZ alone approves.
      const { facts } = await loadSectionFacts(server.database, lead, sectionId);
      expect(reviewRequest(lead, { ...facts, approverOrganisationIds: approverIds }), title).toEqual({ allowed: true });
      // Every approving organisation has a demo person, not the lead, who may approve the lead's request.
      for (const organisationId of approverIds) {
        const approvers = [];
        for (const person of people.filter((p) => p.organisationId === organisationId)) {
          const mine = await loadSectionFacts(server.database, person, sectionId);
          const verdict = reviewDecision(person, "approve", { ...mine.facts, status: "in_review", requestedBy: lead.id, requiredOrganisationIds: approverIds });
          if (verdict.allowed) approvers.push(person.email);
        }
        expect(approvers.length, `${title}: an approver of ${organisationId}`).toBeGreaterThan(0);
      }
    }
  });
});

describe("npm run seed", () => {
  it("empties the database and loads the demo data again", { timeout: 60_000 }, async () => {
    // A database holding the demo data already, and something of its own: a workspace renamed.
    const { url, drop } = await seededDatabaseUrl();
    try {
      const before = await openDatabase(url);
      try {
        await before.db.update(before.t.workspaces).set({ title: "Renamed since the seed" }).where(eq(before.t.workspaces.title, TNO_RECOMMENDATIONS[0]));
      } finally {
        await before.close();
      }
      const env = { ...cleanEnv(), DATABASE_URL: url, LOG_LEVEL: "error" } as Record<string, string> as NodeJS.ProcessEnv;
      const result = spawnSync(process.execPath, [serverBundle("seed")], { cwd: root, env, encoding: "utf8", timeout: 50_000 });
      expect(result.status, result.stderr).toBe(0);
      const database = await openDatabase(url);
      try {
        const { db, t } = database;
        const [workspaces] = await db.select({ n: count() }).from(t.workspaces);
        const [people] = await db.select({ n: count() }).from(t.user);
        // Emptied first (not loaded a second time beside the first), then loaded again.
        expect(Number(workspaces.n)).toBe(11);
        expect(Number(people.n)).toBe(content.people.length);
        const titles = (await db.select({ title: t.workspaces.title }).from(t.workspaces)).map((w) => w.title);
        expect(titles).toContain(TNO_RECOMMENDATIONS[0]);
        expect(titles).not.toContain("Renamed since the seed");
      } finally {
        await database.close();
      }
    } finally {
      await drop();
    }
  });

  it("refuses in production", () => {
    const result = spawnSync(process.execPath, [serverBundle("seed")], {
      cwd: root,
      env: {
        ...cleanEnv(),
        NODE_ENV: "production",
        BETTER_AUTH_SECRET: "s".repeat(40),
        AUDIT_KEY_FILE: "/nonexistent/audit-key.pem",
        DATABASE_URL: "file:/nonexistent/never.db",
      } as Record<string, string> as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("Refusing to load demo people with a published password in production");
  });
});

describe("a production start", () => {
  let url = "";
  let drop: () => Promise<void> = async () => undefined;
  const ADMIN = { email: "beheer@overleg.example", password: "een-lang-beheerderswachtwoord" };
  let baseUrl = "";
  let stop: () => Promise<void> = async () => undefined;
  let output = "";
  let keyDir = "";
  let keyFile = "";

  beforeAll(async () => {
    ({ url, drop } = await freshDatabaseUrl());
    // Production never generates the audit key: the operator provides it.
    keyDir = mkdtempSync(join(tmpdir(), "overleg-audit-key-"));
    keyFile = join(keyDir, "audit-key.pem");
    writeFileSync(keyFile, generateAuditKeyPem(), { mode: 0o600 });
    const port = await freePort();
    const child = spawn(process.execPath, [serverBundle("main")], {
      cwd: root,
      env: {
        ...cleanEnv(),
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
        DATABASE_URL: url,
        BETTER_AUTH_SECRET: "a-production-secret-of-at-least-32-characters",
        AUDIT_KEY_FILE: keyFile,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: "info",
      } as Record<string, string> as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    };
    await new Promise<void>((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line in 45s:\n${output}`)), 45_000);
      const onData = (data: Buffer) => {
        output += data;
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          baseUrl = match[1];
          resolvePromise();
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before listening:\n${output}`));
      });
    });
  }, 60_000);

  afterAll(async () => {
    await stop();
    await drop();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it("creates the first admin and no demo person", async () => {
    const database = await openDatabase(url);
    try {
      const { db, t } = database;
      const people = await db.select({ email: t.user.email, isAdmin: t.user.isAdmin }).from(t.user);
      expect(people).toEqual([{ email: ADMIN.email, isAdmin: true }]);
      // The audit chain's head at start, signed with the configured key, is in the log.
      expect(output).toMatch(/audit checkpoint \{"reason":"start","head":"\d+:[0-9a-f]{64}"/);
      const [workspaces] = await db.select({ n: count() }).from(t.workspaces);
      expect(Number(workspaces.n)).toBe(0);
    } finally {
      await database.close();
    }
  });

  it("lets the admin sign in, and no demo person", async () => {
    const signIn = (email: string, password: string) =>
      fetch(`${baseUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: baseUrl },
        body: JSON.stringify({ email, password }),
      });
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    expect((await signIn("lead@ez.example", content.DEMO_PASSWORD)).status).toBe(401);
  });

  it("does not show the demo password on the sign-in page", async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).toBe(200);
    const page = await fetch(`${baseUrl}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain(content.DEMO_PASSWORD);
  });
});
