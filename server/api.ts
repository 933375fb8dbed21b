/** The JSON API under /api/v1 (same session or bearer token). */
import { Router } from "express";
import type { Services } from "./context";

export function createApiRouter(_services: Services): Router {
  const router = Router();
  return router;
}
