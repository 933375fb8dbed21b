import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { retryMail } from "../../server/commands/mailRetry";
import { listOutbox } from "../../server/views/mail";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { commandFailure, requireAdmin } from "~/utils/admin.server";

/**
 * The outbox (server/mail): mail waiting, sent and failed, failures first in the count; without
 * SMTP outside production, what each mail said.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.mail");
  const { entries, failed } = await listOutbox(context.services.database, actor);
  const showPreviews = context.services.env.NODE_ENV !== "production";
  return {
    transport: context.services.mailer?.transport.kind ?? "log",
    failed,
    entries: entries.map((e) => ({ ...e, preview: showPreviews ? e.preview : null })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireAdmin(request, context, "admin.mail");
  const form = await request.formData();
  const mailId = String(form.get("mailId") ?? "");
  if (form.get("intent") !== "retry" || !/^[A-Za-z0-9-]{1,64}$/.test(mailId)) return data({ retried: false as const }, { status: 400 });
  try {
    await retryMail(context.services, { actor, mailId });
  } catch (error) {
    return commandFailure(error, "retry", mailId);
  }
  return { retried: true as const };
}

export default function AdminOutbox() {
  const { transport, failed, entries } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("mail");
  const dateLocale = useDateLocale();
  const kindName = (kind: string) => (["invitation", "password_reset", "second_factor_reset", "digest"].includes(kind) ? t(`outbox.kinds.${kind}`) : t(`kinds.${kind}`));
  return (
    <main id="main" className="page admin-page" tabIndex={-1}>
      <div className="page-heading">
        <h1>{t("outbox.title")}</h1>
        <p className="lede">{t("outbox.intro")}</p>
        <p className="muted" data-transport={transport}>
          {transport === "smtp" ? t("outbox.transportSmtp") : t("outbox.transportLog")}
        </p>
      </div>
      {failed > 0 ? (
        <p className="alert alert--error" role="alert" data-failed={failed}>
          {t("outbox.failedCount", { count: failed })}
        </p>
      ) : null}
      {result && "retried" in result && result.retried ? (
        <p className="alert alert--success" role="status">
          {t("outbox.retried")}
        </p>
      ) : null}
      {entries.length === 0 ? (
        <p className="empty-state">{t("outbox.empty")}</p>
      ) : (
        <table className="table" data-outbox>
          <thead>
            <tr>
              <th scope="col">{t("outbox.when")}</th>
              <th scope="col">{t("outbox.to")}</th>
              <th scope="col">{t("outbox.kind")}</th>
              <th scope="col">{t("outbox.status")}</th>
              <th scope="col">{t("outbox.attempts")}</th>
              <th scope="col">{t("outbox.error")}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-mail-status={e.status}>
                <td>
                  <time dateTime={e.createdAt}>{formatMoment(e.createdAt, dateLocale)}</time>
                </td>
                <td>
                  {e.to}
                  {e.preview ? (
                    <details>
                      <summary>{e.preview.subject}</summary>
                      <pre className="outbox-preview">{e.preview.text}</pre>
                    </details>
                  ) : null}
                </td>
                <td>{kindName(e.kind)}</td>
                <td>{t(`outbox.statuses.${e.status}`, { defaultValue: e.status })}</td>
                <td>{e.attempts}</td>
                <td>
                  {e.lastError ?? ""}
                  {e.status === "failed" && !["invitation", "password_reset"].includes(e.kind) ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="retry" />
                      <input type="hidden" name="mailId" value={e.id} />
                      <button type="submit" className="button button--quiet">
                        {t("outbox.retry")}
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
