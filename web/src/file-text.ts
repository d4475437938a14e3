// How the pages name a file (its kind, its size) and whether the browser shows it in the page: for an application's
// materials (web/src/materials-view.tsx, web/src/materials.tsx) and a need's files (web/src/pages/demands.tsx). Small
// and apart, so that no page carries another's components for these few words (the pages' 30 KiB budget).
import { fileKinds } from '#forms/file-kinds.js';

const MiB = 1024 * 1024;

export const kindLabel = (mime: string) => Object.values(fileKinds).find((k) => k.mime === mime)?.label ?? mime;

export const sizeText = (bytes: number) => (bytes >= MiB ? `${Math.round((bytes / MiB) * 10) / 10} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

export const isPdf = (mime: string) => mime === fileKinds.pdf.mime;

/** PDFs and images open in the page; anything else (OFD) is downloaded. */
export const previewable = (mime: string) => isPdf(mime) || mime.startsWith('image/');
