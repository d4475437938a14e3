// Lays a document (functions/domain/documents.ts) out as an A4 PDF with pdfkit: the platform's header on every page,
// rows of label and value, small tables, page numbers, Chinese throughout in Noto Sans SC (embedded as a subset).
// Only the TTF is ever loaded as a font: pdfkit's standard fonts (AFM files read from beside its module) are not in the
// bundle, and naming one would fail there.
import PDFDocument from 'pdfkit';
import { issuer, platformName, type Block, type DocumentContent, type Row } from '../domain/documents.js';
import { fontPath } from './font.js';

const MARGIN = { top: 96, bottom: 64, left: 56, right: 56 };
const INK = '#1f2933';
const MUTED = '#52606d';
const RULE = '#9aa5b1';
const SIZE = { body: 10.5, small: 9, heading: 12.5, title: 18 };
const LABEL_WIDTH = 150;
const PAD = 4;
/** A value taller than this flows under its label across pages instead of sitting in a row beside it. */
const FLOWING = 180;

type Doc = PDFKit.PDFDocument;

const contentWidth = (doc: Doc) => doc.page.width - MARGIN.left - MARGIN.right;
const bottomOf = (doc: Doc) => doc.page.height - MARGIN.bottom;

/** Writes outside the margins (header, footer) without pdfkit starting a page, then puts the cursor back. */
function outsideMargins(doc: Doc, draw: () => void): void {
  const { x, y } = doc;
  const bottom = doc.page.margins.bottom;
  doc.page.margins.bottom = 0;
  draw();
  doc.page.margins.bottom = bottom;
  doc.x = x;
  doc.y = y;
}

function header(doc: Doc): void {
  outsideMargins(doc, () => {
    const width = contentWidth(doc);
    doc.fillColor(INK).fontSize(SIZE.heading).text(issuer, MARGIN.left, 34, { width, align: 'center', lineBreak: false });
    doc.fillColor(MUTED).fontSize(SIZE.small).text(platformName, MARGIN.left, 54, { width, align: 'center', lineBreak: false });
    doc.moveTo(MARGIN.left, 72).lineTo(MARGIN.left + width, 72).lineWidth(1).strokeColor(INK).stroke();
    doc.moveTo(MARGIN.left, 75).lineTo(MARGIN.left + width, 75).lineWidth(0.5).stroke();
  });
  doc.fillColor(INK).fontSize(SIZE.body);
}

function footers(doc: Doc, footer: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    outsideMargins(doc, () => {
      doc.fillColor(MUTED).fontSize(SIZE.small).text(`${footer}　　第 ${i - start + 1} 页 共 ${count} 页`, MARGIN.left, doc.page.height - 40, {
        width: contentWidth(doc),
        align: 'center',
        lineBreak: false,
      });
    });
  }
}

/** Starts a new page when `height` does not fit on this one. */
function room(doc: Doc, height: number): void {
  if (doc.y + height > bottomOf(doc)) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  doc.fontSize(SIZE.heading);
  room(doc, doc.currentLineHeight(true) * 3);
  doc.moveDown(0.6).fillColor(INK).text(text, MARGIN.left, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3).fontSize(SIZE.body);
}

function paragraph(doc: Doc, text: string): void {
  doc.fontSize(SIZE.body).fillColor(INK);
  room(doc, doc.currentLineHeight(true) * 2);
  doc.text(text, MARGIN.left, doc.y, { width: contentWidth(doc), lineGap: 3, paragraphGap: 4 });
}

function rows(doc: Doc, list: Row[]): void {
  const width = contentWidth(doc);
  const valueWidth = width - LABEL_WIDTH - PAD * 3;
  doc.fontSize(SIZE.body);
  for (const row of list) {
    const valueHeight = doc.heightOfString(row.value, { width: valueWidth, lineGap: 2 });
    const height = Math.max(doc.heightOfString(row.label, { width: LABEL_WIDTH - PAD * 2 }), valueHeight) + PAD * 2;
    if (height > FLOWING) {
      // A long text (a summary): its label on a line, the text under it at full width, flowing onto the next pages.
      room(doc, doc.currentLineHeight(true) * 4);
      doc.fillColor(MUTED).text(row.label, MARGIN.left + PAD, doc.y + PAD, { width: width - PAD * 2 });
      doc.fillColor(INK).text(row.value, MARGIN.left + PAD, doc.y + 2, { width: width - PAD * 2, lineGap: 2 });
      doc.moveTo(MARGIN.left, doc.y + PAD).lineTo(MARGIN.left + width, doc.y + PAD).lineWidth(0.5).strokeColor(RULE).stroke();
      doc.y += PAD * 2;
      continue;
    }
    room(doc, height);
    const top = doc.y;
    doc.fillColor(MUTED).text(row.label, MARGIN.left + PAD, top + PAD, { width: LABEL_WIDTH - PAD * 2 });
    doc.fillColor(INK).text(row.value, MARGIN.left + LABEL_WIDTH + PAD, top + PAD, { width: valueWidth, lineGap: 2 });
    doc.moveTo(MARGIN.left, top + height).lineTo(MARGIN.left + width, top + height).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.y = top + height;
  }
  doc.x = MARGIN.left;
}

function table(doc: Doc, block: Extract<Block, { kind: 'table' }>): void {
  const width = contentWidth(doc);
  const weights = block.widths ?? block.columns.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (w / total) * width);
  const heightOf = (cells: string[]) => Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i] - PAD * 2 }))) + PAD * 2;
  const line = (cells: string[], shaded: boolean) => {
    const height = heightOf(cells);
    const top = doc.y;
    let x = MARGIN.left;
    cells.forEach((cell, i) => {
      if (shaded) doc.rect(x, top, widths[i], height).fillColor('#eef2f7').fill();
      doc.rect(x, top, widths[i], height).lineWidth(0.5).strokeColor(RULE).stroke();
      doc.fillColor(shaded ? MUTED : INK).text(cell, x + PAD, top + PAD, { width: widths[i] - PAD * 2 });
      x += widths[i];
    });
    doc.y = top + height;
  };
  doc.fontSize(SIZE.small + 0.5);
  if (block.title) {
    room(doc, doc.currentLineHeight(true) * 2 + heightOf(block.columns) + (block.rows[0] ? heightOf(block.rows[0]) : 0));
    doc.moveDown(0.4).fillColor(INK).fontSize(SIZE.body).text(block.title, MARGIN.left, doc.y, { width });
    doc.moveDown(0.2).fontSize(SIZE.small + 0.5);
  }
  room(doc, heightOf(block.columns) + (block.rows[0] ? heightOf(block.rows[0]) : 0));
  line(block.columns, true);
  for (const cells of block.rows) {
    if (doc.y + heightOf(cells) > bottomOf(doc)) {
      doc.addPage();
      // The columns' names again at the top of each page the table goes on to.
      line(block.columns, true);
    }
    line(cells, false);
  }
  doc.x = MARGIN.left;
  doc.moveDown(0.5).fontSize(SIZE.body);
}

function signature(doc: Doc, lines: string[]): void {
  doc.fontSize(SIZE.body).fillColor(INK);
  room(doc, doc.currentLineHeight(true) * (lines.length + 2));
  doc.moveDown(1.5);
  for (const text of lines) doc.text(text, MARGIN.left, doc.y, { width: contentWidth(doc), align: 'right', lineGap: 3 });
}

/** The document as PDF bytes. Deterministic for the same content and issue time (its dates are the issue time). */
export function renderPdf(content: DocumentContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    font: fontPath(),
    lang: 'zh-CN',
    displayTitle: true,
    bufferPages: true,
    autoFirstPage: false,
    info: {
      Title: content.title,
      Author: issuer,
      Subject: `${platformName} ${content.title}`,
      Creator: platformName,
      Producer: platformName,
      CreationDate: content.issuedAt,
      ModDate: content.issuedAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.on('pageAdded', () => header(doc));
  doc.addPage();
  doc.fontSize(SIZE.title).fillColor(INK).text(content.title, MARGIN.left, MARGIN.top, { width: contentWidth(doc), align: 'center' });
  doc.moveDown(0.6).fontSize(SIZE.body);
  for (const block of content.blocks) {
    switch (block.kind) {
      case 'heading':
        heading(doc, block.text);
        break;
      case 'paragraph':
        paragraph(doc, block.text);
        break;
      case 'rows':
        rows(doc, block.rows);
        break;
      case 'table':
        table(doc, block);
        break;
      case 'signature':
        signature(doc, block.lines);
        break;
    }
  }
  footers(doc, content.footer);
  doc.end();
  return done;
}
