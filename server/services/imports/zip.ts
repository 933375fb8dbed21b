/**
 * Reading the parts of a DOCX or ODT (a ZIP) without trusting what it says about itself (ADR 030):
 * the central directory is read here, every part is inflated in small slices while its bytes are
 * counted, and reading stops as soon as all parts together pass the limit, so a zip bomb costs at
 * most a few megabytes of memory. Encrypted parts, ZIP64 and methods other than stored and deflate
 * are refused. fflate does the inflating.
 */
import { Inflate } from "fflate";
import { ImportLimits } from "../../../app/shared/imports";
import { refuse } from "./errors";

export interface ZipLimits {
  maxUnpackedBytes: number;
  maxEntries: number;
}

/** Compressed bytes fed to the inflater at once: deflate expands at most ~1032×, so ≤ 4 MiB per step. */
const SLICE = 4096;

const notAZip = () => refuse("import_unreadable", "The file is not a valid document: its package (ZIP) cannot be read.");

/** The parts of a ZIP by name, inflated; throws ImportRefused on anything it does not trust. */
export function readZip(data: Uint8Array, limits: ZipLimits = { maxUnpackedBytes: ImportLimits.maxUnpackedBytes, maxEntries: ImportLimits.maxZipEntries }): Map<string, Uint8Array> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const inside = (at: number, length: number) => at >= 0 && length >= 0 && at + length <= data.byteLength;
  // The end of central directory record: 22 bytes, perhaps followed by a comment of up to 65 535.
  let eocd = -1;
  for (let at = data.byteLength - 22; at >= Math.max(0, data.byteLength - 22 - 65_535); at--) {
    if (u32(at) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw notAZip();
  const count = u16(eocd + 10);
  const cdSize = u32(eocd + 12);
  const cdOffset = u32(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw refuse("import_unreadable", "The file's package uses ZIP64, which is not read here.");
  if (count > limits.maxEntries) throw refuse("import_too_large", `The file holds more than ${limits.maxEntries} parts.`);
  if (!inside(cdOffset, cdSize)) throw notAZip();
  const parts = new Map<string, Uint8Array>();
  let total = 0;
  let at = cdOffset;
  const tooLarge = () => refuse("import_too_large", `The file unpacks to more than ${Math.round(limits.maxUnpackedBytes / 1024 / 1024)} MB.`);
  for (let i = 0; i < count; i++) {
    if (!inside(at, 46) || u32(at) !== 0x02014b50) throw notAZip();
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const compressed = u32(at + 20);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    const local = u32(at + 42);
    if (!inside(at + 46, nameLength)) throw notAZip();
    const name = new TextDecoder().decode(data.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 0x1 || flags & 0x40 || method === 99) throw refuse("import_encrypted", "The file is encrypted (protected with a password). Save it without a password and try again.");
    if (compressed === 0xffffffff || local === 0xffffffff) throw refuse("import_unreadable", "The file's package uses ZIP64, which is not read here.");
    if (name.endsWith("/")) continue; // a folder
    if (!inside(local, 30) || u32(local) !== 0x04034b50) throw notAZip();
    const start = local + 30 + u16(local + 26) + u16(local + 28);
    if (!inside(start, compressed)) throw notAZip();
    const raw = data.subarray(start, start + compressed);
    let bytes: Uint8Array;
    if (method === 0) {
      total += raw.byteLength;
      if (total > limits.maxUnpackedBytes) throw tooLarge();
      bytes = raw.slice();
    } else if (method === 8) {
      const chunks: Uint8Array[] = [];
      let size = 0;
      const inflater = new Inflate((chunk) => {
        size += chunk.byteLength;
        total += chunk.byteLength;
        if (total > limits.maxUnpackedBytes) throw tooLarge();
        chunks.push(chunk);
      });
      try {
        for (let offset = 0; offset < raw.byteLength; offset += SLICE) {
          inflater.push(raw.subarray(offset, Math.min(raw.byteLength, offset + SLICE)), offset + SLICE >= raw.byteLength);
        }
        if (raw.byteLength === 0) inflater.push(new Uint8Array(0), true);
      } catch (error) {
        if (error instanceof Error && error.name === "ImportRefused") throw error;
        throw refuse("import_unreadable", `The part ${JSON.stringify(name.slice(0, 80))} of the file is damaged.`);
      }
      bytes = new Uint8Array(size);
      let offset = 0;
      for (const c of chunks) {
        bytes.set(c, offset);
        offset += c.byteLength;
      }
    } else {
      throw refuse("import_unreadable", `The part ${JSON.stringify(name.slice(0, 80))} of the file is compressed in a way that is not read here.`);
    }
    parts.set(name, bytes);
  }
  return parts;
}
