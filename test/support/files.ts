// Small real files for the material checks, made here byte by byte: PDFs (with a cross-reference table whose offsets
// are right), JPEG and PNG, ZIP and OFD, executables renamed.
import { crc32, deflateSync } from 'node:zlib';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

export interface PdfOptions {
  /** Bodies of objects 1…n, as `<< … >>` or `<< … >>\nstream\n…\nendstream`; Buffers for binary ones. */
  objects?: (string | Buffer)[];
  /** Extra trailer entries, e.g. `/Encrypt 6 0 R`. */
  trailer?: string;
  /** Leave `%%EOF` off. */
  truncated?: boolean;
}

/** A one-page PDF: catalog, pages, page, content stream; more objects follow from `objects`. */
export function pdf(options: PdfOptions = {}): Buffer {
  const content = 'BT /F1 12 Tf 72 720 Td (Hello) Tj ET';
  const objects: (string | Buffer)[] = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...(options.objects ?? []),
  ];
  const parts: Buffer[] = [latin1('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const object = Buffer.concat([latin1(`${i + 1} 0 obj\n`), typeof body === 'string' ? latin1(body) : body, latin1('\nendobj\n')]);
    parts.push(object);
    length += object.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailer ?? ''}>>\nstartxref\n${length}\n${options.truncated ? '' : '%%EOF\n'}`;
  parts.push(latin1(xref + trailer));
  return Buffer.concat(parts);
}

/** A stream object's body: `dictionary` without /Length, which is added. */
export function streamObject(dictionary: string, data: Buffer): Buffer {
  return Buffer.concat([latin1(`<< ${dictionary} /Length ${data.length} >>\nstream\n`), data, latin1('\nendstream')]);
}

/** An object stream (/ObjStm, FlateDecode) holding `objects` (numbered from `first`). */
export function objectStream(objects: string[], first: number, options: { filter?: string } = {}): Buffer {
  let offset = 0;
  const index: string[] = [];
  for (const [i, body] of objects.entries()) {
    index.push(`${first + i} ${offset}`);
    offset += body.length + 1;
  }
  const header = `${index.join(' ')} `;
  const data = latin1(header + objects.join(' ') + ' ');
  const filter = options.filter ?? '/FlateDecode';
  const encoded = filter === '/FlateDecode' ? deflateSync(data) : data;
  return streamObject(`/Type /ObjStm /N ${objects.length} /First ${header.length} /Filter ${filter}`, encoded);
}

/** A JPEG as a camera writes it: SOI, an APP0 (JFIF) segment, some data, EOI. */
export function jpeg(dataBytes = 2048): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...latin1('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, pseudoRandom(dataBytes, 7), Buffer.from([0xff, 0xd9])]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([latin1(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 1×1 PNG, valid to its CRCs. */
export function png(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A ZIP of stored (uncompressed) entries, with its central directory. */
export function zip(entries: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An OFD as GB/T 33190 lays it out: OFD.xml at the root, one document with one page. */
export function ofd(): Buffer {
  return zip({
    'OFD.xml': '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
    'Doc_0/Document.xml': '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>',
    'Doc_0/Pages/Page_0/Content.xml': '<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>',
  });
}

/** The start of a Linux executable (ELF, 64-bit, x86-64), padded. */
export function elf(bytes = 4096): Buffer {
  const head = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]);
  return Buffer.concat([head, pseudoRandom(bytes - head.length, 3)]);
}

/** The start of a Windows executable (MZ header, "This program cannot be run in DOS mode"), padded. */
export function windowsExecutable(bytes = 4096): Buffer {
  const head = Buffer.concat([Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]), latin1('This program cannot be run in DOS mode.')]);
  return Buffer.concat([head, pseudoRandom(bytes - head.length, 5)]);
}

/** Deterministic bytes that look like compressed data (no long runs, every value). */
export function pseudoRandom(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** `buffer` cut into chunks of the given sizes, cycling through them: as a network stream delivers it. */
export async function* chunked(buffer: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < buffer.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]);
    yield buffer.subarray(at, at + size);
    at += size;
  }
}
