/**
 * A real SMTP server in the test process (the `smtp-server` package) that keeps every mail it takes,
 * parsed with `mailparser`. `stop()` makes it unreachable (connection refused) and `start()` brings it
 * back on the same port, to test what Overleg does while the mail server is down.
 */
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { freePort } from "./spawn";

export interface TestSmtp {
  url: string;
  port: number;
  /** Every mail taken so far, in order. */
  mails: ParsedMail[];
  /** The mails to one address (case-insensitive). */
  to(address: string): ParsedMail[];
  /** Resolves once `predicate` holds for the mails taken (checked on each new mail), or throws after `timeoutMs`. */
  waitFor(predicate: (mails: ParsedMail[]) => boolean, timeoutMs?: number): Promise<ParsedMail[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export function addressesOf(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? "").toLowerCase()));
}

export async function startSmtp(): Promise<TestSmtp> {
  const port = await freePort();
  const mails: ParsedMail[] = [];
  const waiters = new Set<() => void>();
  let server: SMTPServer | undefined;
  const start = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            mails.push(mail);
            for (const wake of waiters) wake();
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
  };
  await start();
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    mails,
    to: (address) => mails.filter((m) => addressesOf(m).includes(address.toLowerCase())),
    waitFor(predicate, timeoutMs = 10_000) {
      if (predicate(mails)) return Promise.resolve(mails);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(mails)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(mails);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the expected mails did not arrive within ${timeoutMs} ms; got ${mails.length}: ${mails.map((m) => `${addressesOf(m).join(",")} "${m.subject}"`).join("; ")}`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    start,
  };
}
