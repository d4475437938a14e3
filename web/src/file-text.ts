// How a need's page names a file (its kind, its size) and whether the browser shows it in the page. The same words as
// materials.tsx's for the three kinds a need takes (PDF, JPEG, PNG: demandMaterialRules), kept apart so that the list
// and a need's page carry neither the upload component nor a chunk shared with it that every application page would
// fetch too (the web pages' 30 KiB budget, test/infra/web-bundle.test.ts).
const labels: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

export const kindLabel = (mime: string) => labels[mime] ?? mime;

export const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

export const isPdf = (mime: string) => mime === 'application/pdf';

/** PDFs and images open in the page; anything else is downloaded. */
export const previewable = (mime: string) => isPdf(mime) || mime.startsWith('image/');
