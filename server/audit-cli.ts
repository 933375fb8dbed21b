/**
 * `npm run audit:verify`: checks the whole audit chain of the configured database and says where the
 * first broken link is. Exit code 0 when intact, 1 when broken.
 */
import { openDatabase } from "../db/index";
import { parseEnv } from "./env";
import { verifyAuditChain } from "./services/audit";

const env = parseEnv();
const database = await openDatabase(env.DATABASE_URL);
try {
  const verdict = await verifyAuditChain(database);
  if (verdict.ok) {
    console.log(`audit chain intact: ${verdict.count} events, last hash ${verdict.lastHash}`);
  } else {
    console.log(`audit chain BROKEN at seq ${verdict.brokenSeq} (${verdict.reason}${verdict.eventId ? `, event ${verdict.eventId}` : ""}); ${verdict.count} events before it are intact`);
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
