/**
 * What the server accepts from clients, as zod schemas: socket.io event payloads and the ids in
 * /api/v1 paths. A payload that does not parse is refused with `bad_request` and changes nothing.
 */
import { z } from "zod";
import { idSchema } from "../../app/shared/ids";

/** The ids Overleg hands out (app/shared/ids.ts); anything else is malformed, not merely unknown. */
export const entityId = idSchema;

export const workspaceIds = z.array(entityId).min(1, "name at least one workspace").max(100, "at most 100 workspaces at once");

export const presenceEnter = z.strictObject({ workspaceId: entityId, sectionId: entityId.nullable().default(null) });
export const presenceLeave = z.strictObject({ workspaceId: entityId });

/** A bearer token sent in the socket.io handshake (`auth: { token }`). */
export const handshakeToken = z.string().min(1).max(2048);

/** "workspaceId: must be …; sectionId: …": one line naming every bad field (server/errors.ts). */
export { describeIssues } from "../errors";
