/**
 * The public check of a publication package (ADR 030), without signing in: upload the ZIP, and the
 * page says whether it is the text the minister's office signed off and published, signed by this
 * installation, or which file differs. A single file taken out of a package (or downloaded alone) is
 * looked up by its SHA-256 among the packages this installation issued; an HTML, DOCX or Markdown file
 * that is not one of them is compared section by section with the publication whose section titles
 * it carries.
 */
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { isPackage, verifyLooseFile, type LooseVerdict } from "../../server/services/publication/issued";
import { verifyPackage } from "../../server/services/publication/package";
import { formatMoment } from "~/components/format";
import { useDateLocale } from "~/components/root-data";
import { localeFromMatches, pageTitle, translate } from "~/components/translate";

export const meta: MetaFunction = ({ matches }) => [{ title: pageTitle(translate(localeFromMatches(matches), "review:verify.title")) }];

/** The largest package accepted for checking. */
const MAX_PACKAGE_BYTES = 32 * 1024 * 1024;

export async function loader({ context }: LoaderFunctionArgs) {
  return { keyId: context.services.auditAnchor?.keyId ?? null };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const anchor = context.services.auditAnchor;
  if (!anchor) return data({ state: "unavailable" as const }, { status: 503 });
  let form: FormData;
  try {
    if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) throw new Error("not multipart");
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_PACKAGE_BYTES }));
  } catch (error) {
    return data({ state: error instanceof MaxPartSizeExceededError ? ("tooLarge" as const) : ("unreadable" as const) }, { status: error instanceof MaxPartSizeExceededError ? 413 : 400 });
  }
  const file = form.get("package");
  if (!file || typeof file === "string") return data({ state: "unreadable" as const }, { status: 400 });
  const bytes = new Uint8Array(await (file as File).arrayBuffer());
  if (!isPackage(bytes)) {
    const loose = await verifyLooseFile(context.services.database, bytes);
    return loose.state === "issued" ? { state: "fileIssued" as const, loose } : { state: "fileNotIssued" as const, loose };
  }
  const verdict = verifyPackage(bytes, anchor.publicKeyPem);
  const m = verdict.manifest;
  return {
    state: verdict.ok ? ("verified" as const) : ("notVerified" as const),
    signature: verdict.signature,
    files: verdict.files,
    readable: m !== null,
    publication: verdict.signature === "valid" && m ? { at: m.publication.at, by: m.publication.by, head: `${m.publication.auditEvent.seq}:${m.publication.auditEvent.hash}` } : null,
    workspace: verdict.signature === "valid" && m ? (m.workspace?.title ?? null) : null,
    sections:
      verdict.signature === "valid" && m
        ? m.sections.map((s) => ({ title: s.title, contentHash: s.contentHash, signedOff: s.signoffs.filter((o) => !o.reopenedAt).map((o) => o.at).at(-1) ?? null, approvals: s.approvals.length }))
        : [],
  };
}

export default function VerifyPage() {
  const { keyId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useTranslation("review");
  const dateLocale = useDateLocale();
  const busy = useNavigation().state !== "idle";
  const loose = result && "loose" in result ? (result.loose as LooseVerdict | undefined) : undefined;
  return (
    <main id="main" className="page page--narrow" tabIndex={-1}>
      <section className="panel" aria-labelledby="verify-title">
        <h1 id="verify-title">{t("verify.title")}</h1>
        <p className="lede">{t("verify.intro")}</p>
        {keyId ? <p className="muted">{t("verify.key", { keyId })}</p> : null}
        <Form method="post" encType="multipart/form-data" className="stack-form">
          <label>
            {t("verify.fileLabel")}
            <input type="file" name="package" accept=".zip,.pdf,.odt,.docx,.html,.htm,.md,application/zip" required />
          </label>
          <button type="submit" className="button button--primary" disabled={busy}>
            {t("verify.submit")}
          </button>
        </Form>
      </section>
      {result ? (
        <section className="panel" aria-live="polite" data-verdict={result.state}>
          {loose?.state === "issued" ? (
            <p className="alert alert--success" role="status">
              {loose.signedOff
                ? t("verify.loose.issued", {
                    file: loose.file,
                    workspace: loose.workspace ?? "—",
                    date: formatMoment(loose.signedOff.at, dateLocale),
                    name: loose.signedOff.by ?? "—",
                  })
                : t("verify.loose.issuedPublished", {
                    file: loose.file,
                    workspace: loose.workspace ?? "—",
                    date: formatMoment(loose.publishedAt, dateLocale),
                    name: loose.publishedBy ?? "—",
                  })}
            </p>
          ) : loose?.state === "notIssued" ? (
            <>
              <p className="alert alert--error" role="alert">
                {t("verify.loose.notIssued")}
              </p>
              {loose.closest ? (
                <>
                  <h2>{t("verify.loose.closest", { workspace: loose.closest.workspace ?? "—", date: formatMoment(loose.closest.publishedAt, dateLocale) })}</h2>
                  <ul>
                    {loose.closest.sections.map((s) => (
                      <li key={s.title} data-section={s.title} data-status={s.same ? "same" : "differs"}>
                        <strong>{s.title}</strong>: {s.same ? t("verify.loose.same") : t("verify.loose.differs")}
                      </li>
                    ))}
                  </ul>
                  {loose.closest.missing ? <p className="muted">{t("verify.loose.missing", { count: loose.closest.missing })}</p> : null}
                </>
              ) : null}
            </>
          ) : result.state === "verified" && "publication" in result && result.publication ? (
            <p className="alert alert--success" role="status">
              {t("verify.verified", { date: formatMoment(result.publication.at, dateLocale), name: result.publication.by ?? "—" })}
            </p>
          ) : result.state === "notVerified" && "signature" in result ? (
            <p className="alert alert--error" role="alert">
              {t(`verify.signature.${result.signature}`)}
            </p>
          ) : (
            <p className="alert alert--error" role="alert">
              {t(`verify.${result.state}`)}
            </p>
          )}
          {"files" in result && result.files?.length ? (
            <ul className="ability-list">
              {(result.files ?? []).map((f) => (
                <li key={f.name} data-file={f.name} data-status={f.status}>
                  {f.name}: {t(`verify.file.${f.status}`)}
                </li>
              ))}
            </ul>
          ) : null}
          {"sections" in result && result.sections?.length ? (
            <>
              <h2>{t("verify.sections", { workspace: result.workspace ?? "" })}</h2>
              <ul>
                {(result.sections ?? []).map((s) => (
                  <li key={s.contentHash + s.title}>
                    <strong>{s.title}</strong>: {s.signedOff ? t("verify.signedOff", { date: formatMoment(s.signedOff, dateLocale) }) : t("verify.notSignedOff")}, {t("verify.approvals", { count: s.approvals })} <code>{s.contentHash.slice(0, 16)}…</code>
                  </li>
                ))}
              </ul>
              {result.publication ? <p className="muted">{t("verify.head", { head: result.publication.head })}</p> : null}
            </>
          ) : null}
        </section>
      ) : null}
    </main>
  );
}
