/**
 * `npm run publication:verify`: checks a publication package (ADR 030) against the installation's
 * public key and says what differs: a file changed, missing or added, or a manifest that is not the
 * one Overleg signed.
 *
 *   npm run publication:verify -- package.zip --key-url https://overleg.example/.well-known/overleg-publication-key
 *   npm run publication:verify -- package.zip --key public-key.pem
 *   npm run publication:verify -- package.zip            # the key of this installation (AUDIT_KEY_FILE)
 *
 * Exit code 0 when the package verifies, 1 when it does not, 2 when it cannot check (no key, no file).
 */
import { readFileSync } from "node:fs";
import { createPublicKey, type KeyObject } from "node:crypto";
import { pathToFileURL } from "node:url";
import { DEV_AUDIT_KEY_FILE } from "./env";
import { keyIdOf, loadAuditKey } from "./services/audit-anchor";
import { verifyPackage } from "./services/publication/package";

const USAGE = "usage: npm run publication:verify -- <package.zip> [--key <public-key.pem> | --key-url <url>]";

/** Runs the check; returns the exit code. `print` receives the lines a person reads. */
export async function verifyPublicationCli(args: string[], print: (line: string) => void = console.log): Promise<number> {
  let file: string | null = null;
  let keyFile: string | null = null;
  let keyUrl: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--key") keyFile = args[++i] ?? null;
    else if (arg.startsWith("--key=")) keyFile = arg.slice(6);
    else if (arg === "--key-url") keyUrl = args[++i] ?? null;
    else if (arg.startsWith("--key-url=")) keyUrl = arg.slice(10);
    else if (!arg.startsWith("--") && file === null) file = arg;
    else {
      print(`unknown argument ${JSON.stringify(arg)}; ${USAGE}`);
      return 2;
    }
  }
  if (!file) {
    print(USAGE);
    return 2;
  }
  let key: KeyObject;
  try {
    if (keyUrl) {
      const res = await fetch(keyUrl);
      if (!res.ok) throw new Error(`${keyUrl} answered ${res.status}`);
      key = createPublicKey(await res.text());
    } else if (keyFile) {
      key = createPublicKey(readFileSync(keyFile, "utf8"));
    } else {
      key = loadAuditKey(process.env.AUDIT_KEY_FILE || DEV_AUDIT_KEY_FILE, { create: false }).publicKey;
    }
  } catch (error) {
    print(`cannot read the public key: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  let zip: Uint8Array;
  try {
    zip = new Uint8Array(readFileSync(file));
  } catch (error) {
    print(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const verdict = verifyPackage(zip, key);
  const m = verdict.manifest;
  if (verdict.ok && m) {
    print(`VERIFIED: signed by key ${keyIdOf(key)}; published ${m.publication.at}${m.publication.by ? ` by ${m.publication.by}` : ""}; audit head ${m.publication.auditEvent.seq}:${m.publication.auditEvent.hash}`);
    for (const s of m.sections) print(`  section ${JSON.stringify(s.title)}: content hash ${s.contentHash}, ${s.approvals.length} approval(s), signed off ${s.signoffs.filter((o) => !o.reopenedAt).map((o) => o.at).join(", ") || "never"}`);
    for (const f of verdict.files) print(`  ${f.name}: ${f.status}`);
    return 0;
  }
  print(`NOT VERIFIED (signature: ${verdict.signature}):`);
  for (const problem of verdict.problems) print(`  - ${problem}`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await verifyPublicationCli(process.argv.slice(2));
}
