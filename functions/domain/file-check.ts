// Checks an uploaded material by its bytes, read once as they stream past: the real kind from the magic bytes, the
// size, no active content in a PDF (object streams inflated), a PDF's end present, and the SHA-256. No AWS here.
import { createHash, type Hash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { fileKinds, type FileKind, type Material } from '#forms/materials.js';

/** What the check needs of a material: its name for the messages, the kinds it takes and its limit. */
export type CheckedMaterial = Pick<Material, 'name' | 'accept' | 'maxBytes'>;

export type RefusalCode =
  | 'empty'
  | 'too_large'
  /** The bytes are of a kind this check knows, but not one the material takes. */
  | 'kind_not_accepted'
  /** The bytes are not of any kind the material takes (an executable, a script, an archive, unknown). */
  | 'unrecognised'
  | 'active_content'
  | 'encrypted'
  | 'truncated'
  /** The file may be fine, but the check cannot see inside it (a compression it does not decode, too much inflated data). */
  | 'uncheckable';

export type CheckResult =
  | { ok: true; kind: FileKind; contentType: string; size: number; sha256: string }
  | { ok: false; code: RefusalCode; reason: string; size: number };

/** What the first bytes say, beside the kinds a material may take: for the reason's "（检测到…）". */
type Sniffed = Exclude<FileKind, 'ofd'> | 'zip' | 'executable' | 'script' | 'web-page' | 'office' | 'archive' | 'unknown';

const sniffedLabels: Record<Exclude<Sniffed, FileKind | 'unknown'>, string> = {
  zip: '压缩包或 Office 文档',
  executable: '可执行程序',
  script: '脚本程序',
  'web-page': '网页或 SVG',
  office: 'Office 文档',
  archive: '压缩包',
};

const startsWith = (head: Uint8Array, ...bytes: number[]) => bytes.every((b, i) => head[i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** Bytes needed to tell the kinds apart. */
const sniffBytes = 16;

/** The kind the first bytes (at least 16 where the file has them) announce. */
export function sniffKind(head: Uint8Array): Sniffed {
  if (startsWith(head, ...ascii('%PDF-'))) return 'pdf';
  if (startsWith(head, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (startsWith(head, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  // A local file header: an OFD, or any other ZIP (docx, apk, jar...); only its central directory at the end tells.
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) return 'zip';
  if (
    startsWith(head, 0x4d, 0x5a) || // MZ: Windows .exe, .dll, .scr
    startsWith(head, 0x7f, 0x45, 0x4c, 0x46) || // ELF
    startsWith(head, 0xfe, 0xed, 0xfa, 0xce) ||
    startsWith(head, 0xfe, 0xed, 0xfa, 0xcf) ||
    startsWith(head, 0xce, 0xfa, 0xed, 0xfe) ||
    startsWith(head, 0xcf, 0xfa, 0xed, 0xfe) || // Mach-O, 32 and 64 bits, either byte order
    startsWith(head, 0xca, 0xfe, 0xba, 0xbe) || // Mach-O universal, or a Java class
    startsWith(head, 0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00) || // Windows shortcut (.lnk)
    startsWith(head, 0x00, 0x61, 0x73, 0x6d) // WebAssembly
  ) {
    return 'executable';
  }
  if (startsWith(head, 0x23, 0x21)) return 'script'; // #!
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return 'office'; // OLE: .doc, .xls, .msi
  if (
    startsWith(head, 0x52, 0x61, 0x72, 0x21) || // Rar!
    startsWith(head, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c) || // 7z
    startsWith(head, 0x1f, 0x8b) // gzip
  ) {
    return 'archive';
  }
  // HTML, SVG or XML, after a UTF-8 byte order mark and blanks.
  const text = Buffer.from(head.subarray(0, sniffBytes)).toString('latin1').replace(/^\xEF\xBB\xBF/, '').trimStart();
  if (text.startsWith('<')) return 'web-page';
  return 'unknown';
}

/** 'PDF、JPEG 或 PNG'. */
function kindsText(accept: readonly string[]): string {
  const labels = (Object.keys(fileKinds) as FileKind[]).filter((k) => accept.includes(fileKinds[k].mime)).map((k) => fileKinds[k].label);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join('、')} 或 ${labels.at(-1)}`;
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

function reasonFor(code: RefusalCode, material: CheckedMaterial, detail?: string): string {
  const name = `「${material.name}」`;
  const kinds = kindsText(material.accept);
  switch (code) {
    case 'empty':
      return `${name}的文件是空的（0 字节），请重新选择文件上传`;
    case 'too_large':
      return `${name}的文件超过 ${sizeText(material.maxBytes)}，请压缩或分页扫描后上传`;
    case 'kind_not_accepted':
    case 'unrecognised':
      return `${name}的文件内容不是 ${kinds}${detail ? `（检测到${detail}）` : ''}，请上传原件扫描件或照片`;
    case 'active_content':
      return `${name}的 PDF 含有脚本、自动操作或嵌入文件（${detail}），请用“打印为 PDF”或扫描重新生成后上传`;
    case 'encrypted':
      return `${name}的文件已加密或设有密码，无法检查，请上传未加密的文件`;
    case 'truncated':
      return `${name}的文件不完整（${detail}），请重新上传`;
    case 'uncheckable':
      return `${name}的文件无法检查（${detail}），请用“打印为 PDF”或扫描重新生成后上传`;
  }
}

/** Limits that keep the check's memory bounded whatever the file holds. */
export const checkLimits = {
  /** The end of a file kept to find a PDF's `%%EOF` (the spec puts it in the last 1024 bytes) or a ZIP's central directory. */
  tailBytes: 256 * 1024,
  /** One compressed object stream collected before it is inflated. */
  objectStreamBytes: 4 * 1024 * 1024,
  /** All object streams of one PDF, inflated. */
  inflatedBytes: 32 * 1024 * 1024,
};

/**
 * The PDF names that make a document act on its own rather than be read: scripts, actions run on events, launching
 * programs, forms sending data, embedded media and files, XFA forms (which carry scripts). Compared after #xx escapes
 * are decoded, so /J#61vaScript is /JavaScript.
 */
const activeNames = new Set(['JavaScript', 'JS', 'Launch', 'RichMedia', 'EmbeddedFile', 'EmbeddedFiles', 'AA', 'SubmitForm', 'ImportData', 'XFA']);

/**
 * The long names are also looked for literally in every byte, stream data included, where the lexer does not run
 * (images and page contents, in which a short name such as /JS occurs by chance): for a viewer that reads objects at
 * the offsets of the cross-reference table, or recovers a broken file by scanning for objects, where a sequential
 * lexer does not look.
 */
const needles = ['/JavaScript', '/Launch', '/RichMedia', '/EmbeddedFile', '/SubmitForm', '/ImportData'].map((s) => Buffer.from(s, 'latin1'));
const longestNeedle = Math.max(...needles.map((n) => n.length));
const endstream = Buffer.from('endstream', 'latin1');

/** Each needle's second byte (they all begin with `/`): a `/` followed by another is no needle's start. */
const secondBytes = new Uint8Array(256);
for (const needle of needles) secondBytes[needle[1]] = 1;

/**
 * The first needle (in their order) found in `data`, or undefined: one native search for `/` over the data, each hit
 * compared where it lies, rather than a search of the whole data per needle.
 */
function findNeedle(data: Buffer): string | undefined {
  let found: Set<Buffer> | undefined;
  for (let at = data.indexOf(0x2f); at >= 0; at = data.indexOf(0x2f, at + 1)) {
    if (!secondBytes[data[at + 1] ?? 0]) continue;
    for (const needle of needles) {
      if (at + needle.length <= data.length && data.compare(needle, 0, needle.length, at, at + needle.length) === 0) (found ??= new Set()).add(needle);
    }
  }
  return found && needles.find((needle) => found.has(needle))?.toString('latin1');
}

const isWhite = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
const isDelimiter = (b: number) =>
  b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25;
const isRegular = (b: number) => !isWhite(b) && !isDelimiter(b);
const hexValue = (b: number) => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

/** PDF names are at most 127 bytes (ISO 32000-1, Annex C); a longer one is compared by its first 127. */
const maxToken = 127;

/** Filters the check does not decode: an object stream under one of them cannot be read. */
const otherFilters = ['ASCIIHexDecode', 'ASCII85Decode', 'LZWDecode', 'RunLengthDecode', 'CCITTFaxDecode', 'JBIG2Decode', 'DCTDecode', 'JPXDecode', 'Crypt'];

type PdfFinding = { code: 'active_content' | 'encrypted' | 'uncheckable'; detail: string };

/**
 * A lexer over a PDF's bytes outside stream data: comments, literal and hex strings are skipped (a name in them is
 * text), names are decoded (#xx) and compared, `stream` hands over to a native search for `endstream`. Object
 * streams (/ObjStm), where compressed objects hide their dictionaries, are collected, inflated within checkLimits and
 * lexed in turn. The state is kept between chunks, so a name or keyword cut by a chunk's end is read whole.
 */
class PdfLexer {
  finding: PdfFinding | undefined;
  private state: 'normal' | 'comment' | 'string' | 'hex' | 'name' | 'keyword' | 'afterStream' | 'stream' = 'normal';
  private depth = 0;
  private escaped = false;
  private token: number[] = [];
  /** Names seen since the last `obj`: the dictionary of the stream that may follow. */
  private objectNames = new Set<string>();
  private afterLt = false;
  /** The last bytes of stream data, where `endstream` may begin. */
  private carry: Buffer = Buffer.alloc(0);
  /** The data of the object stream being read, when it is one. */
  private objectStream: Buffer[] | undefined;
  private objectStreamSize = 0;
  private inflated = 0;

  /** `nested`: the inflated content of an object stream (objects only, no streams, no trailer). */
  constructor(private readonly nested = false) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.finding) {
      if (this.state === 'stream') i = this.streamData(chunk, i);
      else if (this.state === 'afterStream') {
        // `stream` ends with CRLF (or a lone CR, which some writers put): then the data.
        this.startStream();
        if (chunk[i] === 0x0a) i++;
      } else this.lex(chunk[i++]);
    }
  }

  private lex(b: number): void {
    switch (this.state) {
      case 'comment':
        if (b === 0x0a || b === 0x0d) this.state = 'normal';
        return;
      case 'string':
        if (this.escaped) this.escaped = false;
        else if (b === 0x5c) this.escaped = true;
        else if (b === 0x28) this.depth++;
        else if (b === 0x29 && --this.depth === 0) this.state = 'normal';
        return;
      case 'hex':
        if (b === 0x3e) this.state = 'normal';
        return;
      case 'name':
        if (isRegular(b)) {
          if (this.token.length < maxToken * 3) this.token.push(b);
          return;
        }
        this.state = 'normal';
        this.endName();
        break;
      case 'keyword':
        if (isRegular(b)) {
          if (this.token.length < 16) this.token.push(b);
          return;
        }
        this.state = 'normal';
        if (this.endKeyword(b)) return;
        break;
    }
    if (this.finding || this.state !== 'normal') return;
    if (this.afterLt) {
      this.afterLt = false;
      if (b === 0x3c) return; // `<<` opens a dictionary
      if (b !== 0x3e) this.state = 'hex'; // `<…>` a hex string; `<>` an empty one
      return;
    }
    if (b === 0x25) this.state = 'comment';
    else if (b === 0x28) {
      this.state = 'string';
      this.depth = 1;
      this.escaped = false;
    } else if (b === 0x3c) this.afterLt = true;
    else if (b === 0x2f) {
      this.state = 'name';
      this.token = [];
    } else if (isRegular(b)) {
      this.state = 'keyword';
      this.token = [b];
    }
  }

  private endName(): void {
    const t = this.token;
    const bytes: number[] = [];
    for (let i = 0; i < t.length && bytes.length < maxToken; i++) {
      const high = t[i] === 0x23 && i + 2 < t.length ? hexValue(t[i + 1]) : -1;
      const low = high >= 0 ? hexValue(t[i + 2]) : -1;
      if (low >= 0) {
        bytes.push(high * 16 + low);
        i += 2;
      } else bytes.push(t[i]);
    }
    const name = Buffer.from(bytes).toString('latin1');
    if (activeNames.has(name)) this.finding = { code: 'active_content', detail: `/${name}` };
    else if (name === 'Encrypt' && !this.nested) this.finding = { code: 'encrypted', detail: '/Encrypt' };
    else this.objectNames.add(name);
  }

  /** True when the keyword took the byte that ended it (the EOL after `stream`). */
  private endKeyword(after: number): boolean {
    const word = Buffer.from(this.token).toString('latin1');
    if (word === 'obj' || word === 'endobj') this.objectNames = new Set();
    if (word !== 'stream' || this.nested) return false;
    if (after === 0x0d) {
      this.state = 'afterStream';
      return true;
    }
    this.startStream();
    if (after === 0x0a) return true;
    // A writer that put neither CR nor LF: this byte is already data.
    this.streamData(Buffer.of(after), 0);
    return true;
  }

  private startStream(): void {
    this.state = 'stream';
    this.carry = Buffer.alloc(0);
    const names = this.objectNames;
    this.objectNames = new Set();
    this.objectStream = undefined;
    if (!names.has('ObjStm')) return;
    const other = otherFilters.find((f) => names.has(f));
    if (other || names.has('DecodeParms')) {
      this.finding = { code: 'uncheckable', detail: `对象流使用了 ${other ?? '预测'} 编码` };
      return;
    }
    this.objectStream = [];
    this.objectStreamSize = 0;
  }

  /**
   * Reads stream data from `from` on; answers where lexing goes on: after `endstream`, or the chunk's end. The data
   * is searched where it lies (a native search, no copy): only the few bytes carried from the last chunk, where
   * `endstream` may have begun, are joined to the chunk's first ones.
   */
  private streamData(chunk: Buffer, from: number): number {
    const carried = this.carry.length;
    const rest = chunk.length - from;
    // Where `endstream` starts, counted in the carried bytes followed by the chunk's from `from` on; -1: not here.
    let end = -1;
    if (carried) end = Buffer.concat([this.carry, chunk.subarray(from, from + endstream.length - 1)]).indexOf(endstream);
    if (end < 0) {
      const at = chunk.indexOf(endstream, from);
      if (at >= 0) end = carried + at - from;
    }
    // Bytes known to be data now: up to `endstream`, or all but those where it may be beginning.
    const length = carried + rest;
    const dataEnd = end >= 0 ? end : Math.max(0, length - (endstream.length - 1));
    const part = (start: number, stop: number) =>
      start >= carried ? chunk.subarray(from + start - carried, from + stop - carried) : Buffer.concat([this.carry.subarray(start, Math.min(stop, carried)), chunk.subarray(from, Math.max(from, from + stop - carried))]);
    if (this.objectStream && dataEnd > 0) this.collect(part(0, dataEnd));
    if (end < 0) {
      this.carry = Buffer.from(part(dataEnd, length));
      return chunk.length;
    }
    if (this.objectStream && !this.finding) this.inflateObjectStream(Buffer.concat(this.objectStream));
    this.objectStream = undefined;
    this.carry = Buffer.alloc(0);
    this.state = 'normal';
    // `endstream` starts at offset `end`, i.e. chunk offset from + end - carried (never before `from`: had it begun in
    // the carried bytes alone, the previous chunk's search would have found it).
    return from + end - carried + endstream.length;
  }

  private collect(data: Buffer): void {
    this.objectStreamSize += data.length;
    if (this.objectStreamSize > checkLimits.objectStreamBytes) {
      this.finding = { code: 'uncheckable', detail: '对象流过大' };
      return;
    }
    this.objectStream!.push(Buffer.from(data));
  }

  private inflateObjectStream(compressed: Buffer): void {
    let inflated: Buffer;
    try {
      inflated = inflateSync(trimEol(compressed), { maxOutputLength: Math.max(1, checkLimits.inflatedBytes - this.inflated) });
    } catch (error) {
      const tooLarge = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError;
      this.finding = { code: 'uncheckable', detail: tooLarge ? '压缩内容过大' : '对象流损坏' };
      return;
    }
    this.inflated += inflated.length;
    const needle = findNeedle(inflated);
    if (needle) {
      this.finding = { code: 'active_content', detail: needle };
      return;
    }
    const inner = new PdfLexer(true);
    inner.push(inflated);
    inner.finish();
    this.finding = inner.finding;
  }

  finish(): void {
    if (this.finding) return;
    if (this.state === 'name') this.endName();
    else if (this.state === 'stream' || this.state === 'afterStream') this.finding = { code: 'uncheckable', detail: '数据流没有结束' };
    // An unbalanced string would hide what follows it from this lexer, not from a viewer reading by offsets.
    else if (this.state === 'string') this.finding = { code: 'uncheckable', detail: '字符串没有结束' };
  }
}

/** Stream data ends with an EOL before `endstream`, which is not part of the data. */
function trimEol(data: Buffer): Buffer {
  let end = data.length;
  if (data[end - 1] === 0x0a) end--;
  if (data[end - 1] === 0x0d) end--;
  return data.subarray(0, end);
}

/** The names of a ZIP's entries from its central directory, found in the file's tail; undefined when it is not there. */
function zipEntryNames(tail: Buffer, fileSize: number): { names: string[]; encrypted: boolean } | undefined {
  const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > tail.length) return undefined;
  const entries = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  const tailStart = fileSize - tail.length;
  let at = offset - tailStart;
  if (offset === 0xffffffff || at < 0 || offset + size > fileSize) return undefined;
  const names: string[] = [];
  let encrypted = false;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > tail.length || tail.readUInt32LE(at) !== 0x02014b50) return undefined;
    const flags = tail.readUInt16LE(at + 8);
    const nameLength = tail.readUInt16LE(at + 28);
    const extra = tail.readUInt16LE(at + 30);
    const comment = tail.readUInt16LE(at + 32);
    if (at + 46 + nameLength > tail.length) return undefined;
    names.push(tail.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    if (flags & 1) encrypted = true;
    at += 46 + nameLength + extra + comment;
  }
  return { names, encrypted };
}

/**
 * The check of one upload, fed chunk by chunk. Memory stays bounded: the first bytes, the tail (checkLimits.tailBytes),
 * the PDF lexer's state and one object stream at a time. Every byte is hashed once, searched once natively for the
 * long active names and, outside stream data, lexed once. `push` answers a refusal as soon as one is certain (too
 * large, not an accepted kind, active content), so that the caller stops reading.
 */
export class FileCheck {
  private size = 0;
  private readonly hash: Hash = createHash('sha256');
  private head = Buffer.alloc(0);
  /** Chunks held until the first bytes tell the kind (they may come in several small chunks). */
  private held: Buffer[] = [];
  private sniffed: Sniffed | undefined;
  private tailChunks: Buffer[] = [];
  private tailLength = 0;
  private pdf: PdfLexer | undefined;
  /** The PDF's last bytes before this chunk, for a needle cut by a chunk's end. */
  private needleCarry = Buffer.alloc(0);
  private refusal: CheckResult | undefined;

  constructor(private readonly material: CheckedMaterial) {}

  private refuse(code: RefusalCode, detail?: string): CheckResult {
    this.refusal = { ok: false, code, reason: reasonFor(code, this.material, detail), size: this.size };
    return this.refusal;
  }

  private accepts(kind: FileKind): boolean {
    return this.material.accept.includes(fileKinds[kind].mime);
  }

  /** Feeds the next chunk; answers a refusal once the bytes so far decide one, otherwise undefined. */
  push(chunk: Uint8Array): CheckResult | undefined {
    if (this.refusal) return this.refusal;
    if (chunk.byteLength === 0) return undefined;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.size += bytes.length;
    if (this.size > this.material.maxBytes) return this.refuse('too_large');
    this.hash.update(bytes);
    this.keepTail(bytes);
    if (this.sniffed !== undefined) return this.scan(bytes);
    this.held.push(bytes);
    this.head = Buffer.concat([this.head, bytes.subarray(0, sniffBytes - this.head.length)]);
    return this.head.length < sniffBytes ? undefined : this.decideKind();
  }

  /** Decides the kind from the first bytes, then scans the chunks held until then. */
  private decideKind(): CheckResult | undefined {
    const sniffed = sniffKind(this.head);
    this.sniffed = sniffed;
    const held = this.held;
    this.held = [];
    if (sniffed === 'pdf' || sniffed === 'jpeg' || sniffed === 'png') {
      if (!this.accepts(sniffed)) return this.refuse('kind_not_accepted', fileKinds[sniffed].label);
      if (sniffed === 'pdf') this.pdf = new PdfLexer();
      for (const bytes of held) {
        const refused = this.scan(bytes);
        if (refused) return refused;
      }
      return undefined;
    }
    // A ZIP is an OFD only if its central directory says so: decided at the end.
    if (sniffed === 'zip') return undefined;
    return this.refuse('unrecognised', sniffed === 'unknown' ? undefined : sniffedLabels[sniffed]);
  }

  private scan(bytes: Buffer): CheckResult | undefined {
    if (!this.pdf) return undefined;
    // The chunk where it lies, and across its start the last bytes of the one before (a needle cut in two).
    const carried = this.needleCarry.length;
    const needle = findNeedle(bytes) ?? (carried ? findNeedle(Buffer.concat([this.needleCarry, bytes.subarray(0, longestNeedle - 1)])) : undefined);
    if (needle) return this.refuse('active_content', needle);
    const keep = longestNeedle - 1;
    this.needleCarry = Buffer.from(bytes.length >= keep ? bytes.subarray(bytes.length - keep) : Buffer.concat([this.needleCarry, bytes]).subarray(-keep));
    this.pdf.push(bytes);
    return this.pdf.finding ? this.refuse(this.pdf.finding.code, this.pdf.finding.detail) : undefined;
  }

  /** Keeps the chunks that hold the last checkLimits.tailBytes (by reference: the tail is joined once, at the end). */
  private keepTail(bytes: Buffer): void {
    this.tailChunks.push(bytes);
    this.tailLength += bytes.length;
    while (this.tailChunks.length > 1 && this.tailLength - this.tailChunks[0].length >= checkLimits.tailBytes) {
      this.tailLength -= this.tailChunks.shift()!.length;
    }
  }

  private get tail(): Buffer {
    const joined = this.tailChunks.length === 1 ? this.tailChunks[0] : Buffer.concat(this.tailChunks);
    return joined.subarray(Math.max(0, joined.length - checkLimits.tailBytes));
  }

  /** The verdict once every byte was pushed. */
  finish(): CheckResult {
    if (this.refusal) return this.refusal;
    if (this.size === 0) return this.refuse('empty');
    if (this.sniffed === undefined) {
      const refused = this.decideKind();
      if (refused) return refused;
    }
    let kind = this.sniffed as FileKind | 'zip';
    if (this.pdf) {
      this.pdf.finish();
      if (this.pdf.finding) return this.refuse(this.pdf.finding.code, this.pdf.finding.detail);
      if (this.tail.subarray(-1024).indexOf('%%EOF', 0, 'latin1') < 0) return this.refuse('truncated', '缺少 PDF 文件结尾 %%EOF');
    }
    if (kind === 'png' && this.tail.subarray(-12).indexOf('IEND', 0, 'latin1') < 0) return this.refuse('truncated', 'PNG 图像没有结尾');
    if (kind === 'zip') {
      const zip = zipEntryNames(this.tail, this.size);
      if (!zip?.names.includes('OFD.xml')) return this.refuse('unrecognised', sniffedLabels.zip);
      if (!this.accepts('ofd')) return this.refuse('kind_not_accepted', 'OFD 文件');
      if (zip.encrypted) return this.refuse('encrypted');
      if (zip.names.some((n) => n.startsWith('/') || n.includes('\\') || n.split('/').includes('..'))) {
        return this.refuse('uncheckable', '压缩包内有越出目录的路径');
      }
      kind = 'ofd';
    }
    return { ok: true, kind, contentType: fileKinds[kind].mime, size: this.size, sha256: this.hash.digest('hex') };
  }
}

/**
 * Checks a whole file or a stream of it (an S3 GetObject body is an async iterable of chunks). Stops reading at the
 * first certain refusal: leaving the `for await` early ends the stream.
 */
export async function checkFile(source: Uint8Array | AsyncIterable<Uint8Array>, material: CheckedMaterial): Promise<CheckResult> {
  const check = new FileCheck(material);
  if (source instanceof Uint8Array) return check.push(source) ?? check.finish();
  for await (const chunk of source) {
    const refused = check.push(chunk);
    if (refused) return refused;
  }
  return check.finish();
}
