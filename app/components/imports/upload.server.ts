/**
 * The door of an import (ADR 030): a multipart form with one file (and perhaps a title), read into
 * memory up to the limit. A larger file is refused while it arrives, never held whole.
 */
import { MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { ImportLimits } from "../../shared/imports";
import type { ImportedFile } from "../../../server/commands/sectionImport";
import { AppError } from "../../../server/errors";
import { refuse } from "../../../server/services/imports/errors";

export async function readUpload(request: Request): Promise<{ file: ImportedFile; title: string | null; flags: { split: boolean; preview: boolean } }> {
  if (request.method !== "POST") throw new AppError("method_not_allowed", "Use POST.", 405);
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    throw new AppError("unsupported_media_type", "Send the file as multipart/form-data.", 415);
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () => refuse("import_too_large", `The file is larger than ${Math.round(ImportLimits.maxFileBytes / 1024 / 1024)} MB.`);
  if (declared > ImportLimits.maxFileBytes + 64 * 1024) throw tooLarge();
  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: ImportLimits.maxFileBytes }));
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) throw tooLarge();
    throw new AppError("bad_request", "The form could not be read.", 400);
  }
  const file = form.get("file");
  if (!file || typeof file === "string") throw new AppError("bad_request", "Choose a file to import.", 400, "file");
  const title = form.get("title");
  return {
    file: { name: (file as File).name || "file", data: new Uint8Array(await (file as File).arrayBuffer()) },
    title: typeof title === "string" && title.trim() ? title : null,
    flags: { split: form.get("split") === "1", preview: form.get("preview") === "1" },
  };
}
