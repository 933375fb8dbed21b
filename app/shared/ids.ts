/**
 * The one id format of Overleg. Every id it hands out (UUIDs today: sections, workspaces, threads,
 * comments, people) matches it; anything else is malformed, not merely unknown, and is refused before
 * it reaches the database: in the collab path /collab/<sectionId>, the socket.io payloads, the
 * comment commands and the /api/v1 paths.
 */
import { z } from "zod";
import { ID_MESSAGE, ID_PATTERN } from "./id-pattern";

export { ID_MESSAGE, ID_PATTERN, isId } from "./id-pattern";

/** The zod schema of an id, for every schema that takes one. */
export const idSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);
