/**
 * `npm run audit:verify`: checks the whole audit chain of the configured database against its signed
 * checkpoints (server/services/audit-anchor.ts) and says what is wrong: a broken link, events deleted
 * from the end after a checkpoint (truncated), events rewritten with recomputed hashes (rewritten), a
 * checkpoint not signed with the audit key (forged), or no checkpoint at all.
 *
 *   npm run audit:verify                                  # the chain and every stored checkpoint
 *   npm run audit:verify -- --head 1234:<64 hex digits>   # also a head copied from the server log or a publication
 *
 * Exit code 0 when everything verifies, 1 when something does not, 2 when it cannot check (no key, bad arguments).
 */
import { openDatabase } from "../db/index";
import { ConfigError, parseEnv } from "./env";
import { AuditKeyError, describeProblem, loadAuditKey, parseHead, verifyAuditTrail, type ExternalHead } from "./services/audit-anchor";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const heads: ExternalHead[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = arg.startsWith("--head=") ? arg.slice("--head=".length) : arg === "--head" ? args[++i] : undefined;
  if (value === undefined) fail(`unknown argument ${JSON.stringify(arg)}; usage: npm run audit:verify [-- --head <seq>:<hash>]`);
  const head = parseHead(value);
  if (!head) fail(`--head ${JSON.stringify(value)}: expected <seq>:<64 hex digits>, as in the "audit checkpoint" lines of the server log`);
  heads.push(head);
}

let env;
try {
  env = parseEnv();
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
let key;
try {
  key = loadAuditKey(env.AUDIT_KEY_FILE, { create: false });
} catch (error) {
  fail(`cannot check the audit checkpoints: ${error instanceof AuditKeyError ? error.message : String(error)}`);
}

const database = await openDatabase(env.DATABASE_URL);
try {
  const verdict = await verifyAuditTrail(database, key, { heads });
  const { chain, checkpoints, newest } = verdict;
  const events = chain.ok ? `${chain.count} events, last hash ${chain.lastHash}` : `${chain.count} events intact before the break`;
  if (verdict.ok) {
    const uncovered = chain.ok && newest ? chain.count - newest.eventSeq : 0;
    console.log(`audit chain intact: ${events}`);
    console.log(
      `checkpoints: ${checkpoints.valid} signed with key ${key.keyId}` +
        (newest ? `; the newest covers seq ${newest.eventSeq} (${newest.at.toISOString()}, ${newest.reason})` : "") +
        (uncovered > 0 ? `; ${uncovered} newer event(s) not yet covered by a checkpoint` : ""),
    );
    if (heads.length) console.log(`heads given: ${heads.length}, all present with the same hash`);
  } else {
    console.log(`audit trail NOT intact (${events}; ${checkpoints.valid} of ${checkpoints.count} checkpoints signed with key ${key.keyId}):`);
    for (const problem of verdict.problems) console.log(`  - ${describeProblem(problem)}`);
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
