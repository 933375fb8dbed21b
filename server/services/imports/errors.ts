/** The refusals of an import (ADR 030): a clear message, a stable code, and nothing changed. */
import type { ImportErrorCode } from "../../../app/shared/imports";
import { AppError } from "../../errors";

export class ImportRefused extends AppError {
  declare readonly code: ImportErrorCode;
  constructor(code: ImportErrorCode, message: string) {
    super(code, message, code === "import_too_large" ? 413 : 400, "file");
    this.name = "ImportRefused";
  }
}

export const refuse = (code: ImportErrorCode, message: string) => new ImportRefused(code, message);
