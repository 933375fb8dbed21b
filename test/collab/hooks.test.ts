/**
 * The collab server's hooks: afterStore hooks run in order after an edit is stored, and one that
 * fails does not keep the next from hearing about the change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server";
import { appendParagraph, connectProvider, poll, synced, type ProviderClient } from "./helpers";

describe("collab hooks", () => {
  let server: TestServer;
  let sectionId: string;
  const clients: ProviderClient[] = [];
  const calls: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      collab: {
        hooks: {
          afterStore: [
            (id) => {
              calls.push(`first ${id}`);
              throw new Error("this feature is broken");
            },
            async (id) => {
              await Promise.resolve();
              calls.push(`second ${id}`);
            },
          ],
        },
      },
    });
    sectionId = (await server.sectionIds("Toegang tot financiering"))[1];
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await server?.stop();
  });

  it("runs every afterStore hook in order after an edit is stored, past one that throws", async () => {
    const { cookie } = await server.signIn("drafter@kgg.example");
    const client = connectProvider(server.url, sectionId, { cookie });
    clients.push(client);
    await synced(client);
    const added: string[] = [];
    const record = (id: string) => void added.push(id);
    const off = server.collab.onStored(record);
    appendParagraph(client.doc, "Een zin die wordt opgeslagen.");
    await poll(() => calls.includes(`second ${sectionId}`) && added.includes(sectionId), "the hooks to run");
    off();
    expect(calls.indexOf(`first ${sectionId}`)).toBeLessThan(calls.indexOf(`second ${sectionId}`));
    expect(server.collab.hooks.afterStore).not.toContain(record);
  });
});
