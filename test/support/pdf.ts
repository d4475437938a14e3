// Test support: a PDF's text and metadata as a reader sees them (pdfjs-dist, the engine of Firefox's viewer).
import * as pdfjs from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface ReadPdf {
  pages: number;
  /** Every page's text, in reading order, with no spaces or line breaks (pdfjs splits runs where the layout does). */
  text: string;
  info: { Title?: string; Author?: string; Language?: string };
}

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  try {
    const parts: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      parts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''));
    }
    const { info } = await doc.getMetadata();
    return { pages: doc.numPages, text: squeezed(parts.join('')), info: info as ReadPdf['info'] };
  } finally {
    await doc.destroy();
  }
}

/** Text without whitespace, to compare with what a PDF holds: `2026 0483 1295` and `申报材料 · 会员名册` read as printed. */
export const squeezed = (text: string) => text.replace(/\s+/g, '');
