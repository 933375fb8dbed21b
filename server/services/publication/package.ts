/**
 * The signed publication package (ADR 030): one ZIP holding the published text as PDF/A, ODT, DOCX
 * and HTML, a manifest (`manifest.json`) naming each file's SHA-256, every section's content hash
 * with the approvals and sign-off bound to it, and the audit chain's head at publication, and
 * `manifest.sig`: the installation's Ed25519 signature (base64) over the manifest's exact bytes.
 * Whoever holds the public key (served at /.well-known/overleg-publication-key) can check that the
 * files are the ones Overleg signed, and which one differs.
 */
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { strToU8, zipSync } from "fflate";
import { keyIdOf } from "../audit-anchor";
import { agendaHtml } from "../exports/html";
import type { Agenda } from "../exports/model";
import { ImportRefused } from "../imports/errors";
import { readZip } from "../imports/zip";

export const PACKAGE_FORMAT = "overleg-publication/1";
export const PUBLICATION_KEY_PATH = "/.well-known/overleg-publication-key";

export interface ManifestFile {
  name: string;
  mediaType: string;
  bytes: number;
  sha256: string;
}

export interface ManifestSection {
  id: string;
  title: string;
  status: string;
  /** The hash of the section's text (what approvals and the sign-off bind to). */
  contentHash: string;
  approvals: { organisation: string | null; person: string | null; decision: string; contentHash: string; at: string }[];
  signoffs: { person: string | null; contentHash: string; at: string; reopenedAt: string | null }[];
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  generatedAt: string;
  agenda: { title: string; subtitle: string };
  workspace: { id: string; title: string } | null;
  language: string;
  publication: { at: string; by: string | null; auditEvent: { seq: number; hash: string } };
  /** The signed checkpoint of the audit chain made right after the publication (ADR 013), when there is one. */
  auditCheckpoint: { eventSeq: number; eventHash: string; at: string; reason: string; keyId: string; signature: string } | null;
  sections: ManifestSection[];
  files: ManifestFile[];
  key: { algorithm: "Ed25519"; keyId: string; url: string };
}

export interface Signer {
  keyId: string;
  sign(message: Uint8Array): string;
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Renders the files and signs their manifest; `publication` and `auditCheckpoint` as recorded. */
export async function buildPackage(
  agenda: Agenda,
  meta: { workspace: Manifest["workspace"]; publication: Manifest["publication"]; auditCheckpoint: Manifest["auditCheckpoint"] },
  signer: Signer,
): Promise<{ zip: Buffer; manifest: Manifest; manifestSha256: string; files: Record<string, Uint8Array> }> {
  // The renderers (docx, pdfkit and its fonts) are loaded when a package is made, not at start.
  const [{ agendaPdf }, { agendaOdt, ODT_MIME }, { agendaDocx }] = await Promise.all([
    import("../exports/pdf"),
    import("../exports/odt"),
    import("../exports/docx"),
  ]);
  const rendered: [string, string, Uint8Array][] = [
    ["document.pdf", "application/pdf", await agendaPdf(agenda)],
    ["document.odt", ODT_MIME, agendaOdt(agenda)],
    ["document.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", await agendaDocx(agenda)],
    ["document.html", "text/html; charset=utf-8", strToU8(agendaHtml(agenda))],
  ];
  const manifest: Manifest = {
    format: PACKAGE_FORMAT,
    generatedAt: agenda.generatedAt.toISOString(),
    agenda: { title: agenda.title, subtitle: agenda.subtitle },
    workspace: meta.workspace,
    language: agenda.language,
    publication: meta.publication,
    auditCheckpoint: meta.auditCheckpoint,
    sections: agenda.workspaces.flatMap((w) =>
      w.sections.map((s) => ({
        id: s.id,
        title: s.title,
        status: s.status,
        contentHash: s.contentHash,
        approvals: s.decisions.map((d) => ({ organisation: d.organisationName, person: d.userName, decision: d.decision, contentHash: d.contentHash, at: d.at.toISOString() })),
        signoffs: s.signoffs.map((o) => ({ person: o.userName, contentHash: o.contentHash, at: o.at.toISOString(), reopenedAt: o.reopenedAt?.toISOString() ?? null })),
      })),
    ),
    files: rendered.map(([name, mediaType, body]) => ({ name, mediaType, bytes: body.byteLength, sha256: sha256(body) })),
    key: { algorithm: "Ed25519", keyId: signer.keyId, url: PUBLICATION_KEY_PATH },
  };
  const manifestBytes = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
  const signature = signer.sign(manifestBytes);
  const zip = zipSync({
    "manifest.json": manifestBytes,
    "manifest.sig": strToU8(`${signature}\n`),
    ...Object.fromEntries(rendered.map(([name, , body]) => [name, body])),
  });
  return {
    zip: Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength),
    manifest,
    manifestSha256: sha256(manifestBytes),
    files: Object.fromEntries(rendered.map(([name, , body]) => [name, body])),
  };
}

export interface PackageVerdict {
  /** The signature is valid for this key and every file matches. */
  ok: boolean;
  signature: "valid" | "invalid" | "other_key" | "missing";
  manifest: Manifest | null;
  files: { name: string; status: "matches" | "differs" | "missing" | "unlisted" }[];
  problems: string[];
}

/** Checks a package against the installation's public key (PEM); never throws for a bad package. */
export function verifyPackage(zip: Uint8Array, publicKeyPem: string | KeyObject): PackageVerdict {
  const publicKey = typeof publicKeyPem === "string" ? createPublicKey(publicKeyPem) : publicKeyPem;
  const verdict: PackageVerdict = { ok: false, signature: "missing", manifest: null, files: [], problems: [] };
  let parts: Map<string, Uint8Array>;
  try {
    parts = readZip(zip);
  } catch (error) {
    verdict.problems.push(error instanceof ImportRefused ? error.message : "The package cannot be read.");
    return verdict;
  }
  const manifestBytes = parts.get("manifest.json");
  const signature = parts.get("manifest.sig");
  if (!manifestBytes || !signature) {
    verdict.problems.push("The package has no manifest.json and manifest.sig.");
    return verdict;
  }
  try {
    verdict.manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as Manifest;
  } catch {
    verdict.problems.push("manifest.json is not JSON.");
  }
  let valid = false;
  try {
    valid = verify(null, manifestBytes, publicKey, Buffer.from(new TextDecoder().decode(signature).trim(), "base64"));
  } catch {
    valid = false;
  }
  const manifest = verdict.manifest;
  verdict.signature = valid ? "valid" : manifest?.key?.keyId && manifest.key.keyId !== keyIdOf(publicKey) ? "other_key" : "invalid";
  if (!valid) {
    verdict.problems.push(
      verdict.signature === "other_key"
        ? `The manifest says it was signed with key ${manifest!.key.keyId}, not with this key (${keyIdOf(publicKey)}).`
        : "The manifest's signature does not verify: the manifest was changed or not signed by this installation.",
    );
  }
  const listed = new Set<string>();
  for (const file of manifest?.files ?? []) {
    listed.add(file.name);
    const body = parts.get(file.name);
    const status = !body ? "missing" : sha256(body) === file.sha256 && body.byteLength === file.bytes ? "matches" : "differs";
    verdict.files.push({ name: file.name, status });
    if (status !== "matches") verdict.problems.push(status === "missing" ? `${file.name} is missing.` : `${file.name} differs from the file that was signed.`);
  }
  for (const name of parts.keys()) {
    if (name === "manifest.json" || name === "manifest.sig" || listed.has(name)) continue;
    verdict.files.push({ name, status: "unlisted" });
    verdict.problems.push(`${name} is not in the manifest.`);
  }
  verdict.ok = valid && verdict.problems.length === 0;
  return verdict;
}
