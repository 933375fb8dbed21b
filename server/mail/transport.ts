/**
 * Where mail goes: SMTP through Nodemailer when SMTP_URL (and MAIL_FROM) are set; otherwise the
 * server log (the mail's address, subject and text; in production the text is left out, since it can
 * hold a sign-in link; outside production the text, without invitation and reset links) and, outside
 * production, the admin Outbox page. Nodemailer is loaded with the first mail sent, not at start.
 */
import type { Transporter } from "nodemailer";
import type { Env } from "../env";
import type { Logger } from "../log";

export interface OutgoingMail {
  id: string;
  /** The mail holds a link that lets its reader in (an invitation, a password reset): never logged. */
  secret: boolean;
  to: string;
  subject: string;
  text: string;
  html: string;
  unsubscribe: string | null;
}

export interface MailTransport {
  /** "smtp" sends; "log" writes to the server log. */
  kind: "smtp" | "log";
  /** Resolves once the mail server accepted the mail; throws when it did not. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

const DEFAULT_FROM = "Overleg <overleg@localhost>";

export function createTransport(env: Env, log: Logger): MailTransport {
  const from = env.MAIL_FROM ?? DEFAULT_FROM;
  const host = new URL(env.PUBLIC_URL).hostname || "overleg";
  if (!env.SMTP_URL) {
    return {
      kind: "log",
      async send(mail) {
        // A log line must not let its reader join or take over an account: sign-in links are left out
        // (outside production the admin Outbox page shows them).
        const body =
          env.NODE_ENV === "production"
            ? "(text not logged in production)"
            : `\n${mail.secret ? mail.text.replace(/https?:\/\/\S+/g, "[link on the admin Outbox page]") : mail.text}`;
        log.info(`mail (no SMTP_URL: not sent) to ${mail.to}: ${mail.subject}${body}`, { mailId: mail.id });
      },
      close() {},
    };
  }
  const smtpUrl = env.SMTP_URL;
  let transporter: Promise<Transporter> | undefined;
  const open = () => (transporter ??= import("nodemailer").then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl, { from })));
  return {
    kind: "smtp",
    async send(mail) {
      await (await open()).sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        // The same id on a second attempt, so a receiving server can drop a copy it already took.
        messageId: `<${mail.id}@${host}>`,
        headers: mail.unsubscribe ? { "List-Unsubscribe": `<${mail.unsubscribe}>` } : {},
      });
    },
    close() {
      void transporter?.then((t) => t.close());
    },
  };
}
