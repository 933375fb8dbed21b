/**
 * The upgrade: accepts or refuses a WebSocket on `/collab/<sectionId>`, in this order, before anything
 * is loaded or created for the path:
 * 1. shutting down → 503;
 * 2. `Origin` (cross-site WebSocket hijacking): when present it must be the app's own origin
 *    (PUBLIC_URL's, plus `allowedOrigins`), else 403. A request without Origin is let through to
 *    authentication: every browser sends Origin on a WebSocket handshake, so a request without one
 *    comes from a program, which cannot borrow a visitor's cookies; it must present a session itself;
 * 3. the path names a section id, else 404;
 * 4. the session (cookie or `Authorization: Bearer`), else 401;
 * 5. the section exists, else 404; the policy allows `section.view`, else 403; it is not archived, else 410;
 *    (4 and 5 are read through the short-lived access cache, access-cache.ts: a burst of arrivals asks
 *    the database once; an access change drops what it remembered at once);
 * 6. fewer than `connectionsPerPerson` open connections for this person, else 429.
 * A refusal is an AppError (server/errors.ts) thrown by the check, answered by one adapter
 * (refuseUpgrade): a plain HTTP response on the raw socket with the one JSON error body.
 */
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import type { WebSocketServer } from "ws";
import { COLLAB_PATH, type CollabLimits } from "../../app/shared/collab";
import { isId } from "../../app/shared/ids";
import type { Services, SignedIn } from "../context";
import { AppError, errorBody } from "../errors";
import { checkSocketOrigin } from "../http/origin";
import type { Logger } from "../log";
import { can, type SectionFacts } from "../policy";
import { NotFound } from "../services/access";
import type { AccessCache } from "./access-cache";
import type { Corkable } from "./connection";

/** What an accepted upgrade hands on to open the connection. */
export interface Accepted {
  ws: WebSocket;
  socket: Duplex & Corkable;
  actor: SignedIn;
  /** The request's Cookie / Authorization headers, to re-check the session later. */
  authHeaders: Record<string, string>;
  sectionId: string;
  workspaceId: string;
  facts: SectionFacts;
  /** The access cache's generation before the checks: if access changed since, the connection is checked again before it joins. */
  checkedAt: number;
}

/** Open connections per person: taken at the upgrade, released when the connection closes. */
export class PerPerson {
  private readonly counts = new Map<string, number>();

  constructor(private readonly max: number) {}

  take(userId: string): boolean {
    const n = this.counts.get(userId) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(userId, n + 1);
    return true;
  }

  release(userId: string): void {
    const n = (this.counts.get(userId) ?? 1) - 1;
    if (n <= 0) this.counts.delete(userId);
    else this.counts.set(userId, n);
  }
}

export interface UpgradeOptions {
  services: Services;
  access: AccessCache;
  log: Logger;
  limits: CollabLimits;
  wss: WebSocketServer;
  perPerson: PerPerson;
  /** Origins allowed besides PUBLIC_URL's. */
  allowedOrigins?: string[];
  closing(): boolean;
  open(accepted: Accepted): void;
}

const noSuchSection = () => new AppError("not_found", "No such section.", 404);
const signInFirst = () => new AppError("unauthorized", "Sign in first.", 401);
const shuttingDown = () => new AppError("shutting_down", "The server is restarting; try again.", 503);

/**
 * The collab upgrade's adapter of server/errors.ts (like the other doors'): a refusal is an AppError
 * thrown by the checks, answered here as plain HTTP on the raw socket with the one error body, then
 * closed; anything else is a 500 `internal_error` (and logged by the caller).
 */
function refuseUpgrade(socket: Duplex, error: unknown): void {
  if (socket.destroyed) return;
  const known = error instanceof AppError;
  const status = known ? error.status : 500;
  const body = JSON.stringify(errorBody(known ? error : { code: "internal_error", message: "The server could not open the connection." }));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n` +
      "Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The upgrade handler: checks the request, then hands the accepted socket to `open`. */
export function createUpgrade(options: UpgradeOptions): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { services, access, log, wss, perPerson, closing } = options;
  const origins = new Set([new URL(services.env.PUBLIC_URL).origin, ...(options.allowedOrigins ?? []).map((o) => new URL(o).origin)]);

  async function accept(req: IncomingMessage, socket: Duplex, head: Buffer) {
    if (closing()) throw shuttingDown();
    const origin = checkSocketOrigin(req.headers, services.env.PUBLIC_URL, origins);
    if (!origin.ok) {
      log.warn("collab upgrade from a foreign origin refused", { origin: origin.origin });
      throw new AppError("bad_origin", "This origin may not open a collaboration connection.", 403);
    }
    const url = new URL(req.url ?? "/", "http://collab.invalid");
    const prefix = `${COLLAB_PATH}/`;
    let sectionId = "";
    try {
      sectionId = url.pathname.startsWith(prefix) ? decodeURIComponent(url.pathname.slice(prefix.length)) : "";
    } catch {
      sectionId = "";
    }
    if (!isId(sectionId)) throw noSuchSection();

    const authHeaders: Record<string, string> = {};
    if (typeof req.headers.cookie === "string") authHeaders.cookie = req.headers.cookie;
    if (typeof req.headers.authorization === "string") authHeaders.authorization = req.headers.authorization;
    if (!authHeaders.cookie && !authHeaders.authorization) throw signInFirst();
    const checkedAt = access.generation();
    const actor = await access.actor(authHeaders);
    if (!actor) throw signInFirst();

    const loaded = await access.sectionFacts(actor, sectionId).catch((error: unknown) => {
      throw error instanceof NotFound ? noSuchSection() : error;
    });
    if (!can(actor, "section.view", loaded.facts)) throw new AppError("forbidden", "You have no access to this section.", 403);
    if (closing()) throw shuttingDown();
    if (loaded.facts.sectionArchived) throw new AppError("archived", "This section is archived.", 410);
    if (socket.destroyed) return;
    if (!perPerson.take(actor.id)) {
      throw new AppError("too_many_connections", "Too many open collaboration connections; close some tabs.", 429);
    }
    const releaseUnopened = () => perPerson.release(actor.id);
    socket.once("close", releaseUnopened);
    wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off("close", releaseUnopened); // the connection releases it from now on (and this scope is freed)
      options.open({
        ws,
        socket: socket as Duplex & Corkable,
        actor,
        authHeaders,
        sectionId,
        workspaceId: loaded.section.workspaceId,
        facts: loaded.facts,
        checkedAt,
      });
    });
  }

  return (req, socket, head) => {
    socket.on("error", (error) => log.debug("collab upgrade socket error", { error: error.message }));
    accept(req, socket, head).catch((error: unknown) => {
      if (!(error instanceof AppError)) log.error("collab upgrade failed", { error: error instanceof Error ? error.message : String(error) });
      refuseUpgrade(socket, error);
    });
  };
}
