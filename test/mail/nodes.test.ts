/**
 * Two Overleg servers on one database (PostgreSQL under `npm run test:pg`, one SQLite file under
 * `npm test`) with one clock the test controls: each due-date reminder is sent exactly once, at its
 * time, and each queued mail is sent by exactly one node.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestReview } from "../../server/commands/reviewRequest";
import { workingDaysBefore } from "../../server/mail/jobs";
import { loadActor } from "../../server/services/access";
import { WS } from "../support/fixtures";
import { inNetherlands, manualClock } from "../support/manual-clock";
import { seededDatabaseUrl, startTestServer, type TestServer } from "../support/server";
import { startSmtp, type TestSmtp } from "../support/smtp";

let smtp: TestSmtp;
let db: { url: string; drop: () => Promise<void> };
let nodes: TestServer[] = [];
const clock = manualClock();

beforeAll(async () => {
  smtp = await startSmtp();
  db = await seededDatabaseUrl();
  const start = () =>
    startTestServer({ databaseUrl: db.url, env: { SMTP_URL: smtp.url, MAIL_FROM: "overleg@overleg.example" }, mail: { clock } });
  nodes = [await start(), await start()];
}, 60_000);

afterAll(async () => {
  for (const node of nodes) await node.stop();
  await smtp?.stop();
  await db?.drop();
});

/** A Wednesday at least five weeks from now (its second working day before is the Monday). */
function aWednesday(): string {
  const date = new Date(Date.now() + 35 * 86_400_000);
  while (date.getUTCDay() !== 3) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Both nodes run their jobs and deliver at once, as two machines on one timer would. */
async function bothRun() {
  await clock.tick();
  await Promise.all(nodes.map((n) => n.mailer.deliver()));
}

describe("two nodes", () => {
  it("send a review's reminders exactly once each: two working days before, on the day, when overdue", async () => {
    const [node] = nodes;
    const due = aWednesday();
    const [sectionId] = await node.sectionIds(WS.labour);
    const lead = await loadActor(node.database, await node.userId("lead@ez.example"));
    await requestReview(node.services, { actor: lead!, sectionId, dueDate: due });
    await smtp.waitFor(() => smtp.to("approver@ocw.example").length === 1);
    const reminders = () => smtp.to("approver@ocw.example").filter((m) => /^(Over twee werkdagen|Vandaag|Verlopen): /.test(m.subject ?? ""));

    const monday = workingDaysBefore(due, 2);
    expect(new Date(`${monday}T12:00:00Z`).getUTCDay()).toBe(1);
    clock.set(inNetherlands(monday, 6, 59));
    await bothRun();
    expect(reminders()).toHaveLength(0);

    clock.set(inNetherlands(monday, 7, 0));
    await bothRun();
    await bothRun();
    clock.set(inNetherlands(monday, 15, 0));
    await bothRun();
    expect(reminders().map((m) => m.subject)).toEqual([expect.stringMatching(/^Over twee werkdagen: beoordeling van "/)]);
    expect(reminders()[0].text).toContain(`/s/${sectionId}/review`);

    clock.set(inNetherlands(due, 7, 5));
    await bothRun();
    await bothRun();
    clock.set(inNetherlands(due, 9, 0));
    await bothRun();
    expect(reminders().map((m) => m.subject?.split(":")[0])).toEqual(["Over twee werkdagen", "Vandaag"]);

    const thursday = new Date(Date.parse(`${due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    clock.set(inNetherlands(thursday, 8, 0));
    await bothRun();
    await bothRun();
    expect(reminders().map((m) => m.subject?.split(":")[0])).toEqual(["Over twee werkdagen", "Vandaag", "Verlopen"]);

    // Exactly one outbox row per reminder, each sent once.
    const { db: d, t } = node.database;
    const rows = await d.select().from(t.mailOutbox).where(eq(t.mailOutbox.kind, "reminder"));
    expect(rows.filter((r) => r.toAddress === "approver@ocw.example").map((r) => [r.status, r.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
      ["sent", 1],
    ]);
  });

  it("send each queued mail from exactly one node", async () => {
    const [a, b] = nodes;
    const { db: d, t } = a.database;
    const userId = await a.userId("viewer@tno.example");
    const ids: string[] = Array.from({ length: 25 }, () => crypto.randomUUID());
    const before = smtp.mails.length;
    await d.insert(t.mailOutbox).values(ids.map((id) => ({ id, kind: "password_reset", userId, toAddress: "viewer@tno.example", data: { url: `${a.url}/reset/${id}` }, status: "queued" })));
    await Promise.all([a.mailer.deliver(), b.mailer.deliver(), a.mailer.deliver(), b.mailer.deliver()]);
    await smtp.waitFor((mails) => mails.length - before >= 25);
    await Promise.all([a.mailer.deliver(), b.mailer.deliver()]);
    const sent = smtp.mails.slice(before);
    expect(sent).toHaveLength(25);
    expect(new Set(sent.map((m) => m.messageId)).size).toBe(25);
    const rows = await d.select().from(t.mailOutbox).where(eq(t.mailOutbox.userId, userId));
    expect(rows.filter((r) => ids.includes(r.id)).every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });
});
