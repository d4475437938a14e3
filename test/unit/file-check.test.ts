import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkFile, checkLimits, FileCheck, sniffKind, type CheckResult } from '#functions/domain/file-check.js';
import { fileKinds, findMaterial, maxMaterialBytes, type Material } from '#forms/materials.js';
import { chunked, elf, jpeg, objectStream, ofd, pdf, png, pseudoRandom, streamObject, windowsExecutable, zip } from '../support/files.js';

const roster = findMaterial('rural-tech-association', 'member-roster')!;
const photos = findMaterial('science-e-station', 'venue-photos')!;
const plan = findMaterial('society-station', 'service-plan')!;
const pdfOnly: Material = { ...roster, accept: [fileKinds.pdf.mime] };
const small: Material = { ...roster, maxBytes: 1024 };

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const refusal = (result: CheckResult) => (result.ok ? undefined : result);

describe('the material check', () => {
  it('accepts a small valid PDF, with its size and SHA-256', async () => {
    // Prepare
    const file = pdf();

    // Act
    const result = await checkFile(file, roster);

    // Assess
    expect(result).toEqual({ ok: true, kind: 'pdf', contentType: 'application/pdf', size: file.length, sha256: sha256(file) });
  });

  it('accepts the pledge template the catalogue offers (pdfkit output: compressed streams, an embedded CJK font)', async () => {
    // Prepare
    const file = readFileSync(new URL('../../web/public/templates/academician-pledge.pdf', import.meta.url));

    // Act
    const result = await checkFile(chunked(file, [4096]), findMaterial('academician-station', 'academician-pledge')!);

    // Assess
    expect(result).toMatchObject({ ok: true, kind: 'pdf', size: file.length });
  });

  it('accepts a JPEG and a PNG where photos are taken, and an OFD where documents are', async () => {
    // Act
    const results = await Promise.all([checkFile(jpeg(), photos), checkFile(png(), photos), checkFile(ofd(), roster)]);

    // Assess
    expect(results.map((r) => r.ok && r.kind)).toEqual(['jpeg', 'png', 'ofd']);
    expect(results.map((r) => r.ok && r.contentType)).toEqual(['image/jpeg', 'image/png', 'application/ofd']);
  });

  it('refuses a renamed Linux executable with a reason naming the material', async () => {
    // Act
    const result = await checkFile(elf(), roster);

    // Assess
    expect(result).toEqual({
      ok: false,
      code: 'unrecognised',
      reason: '「会员名册」的文件内容不是 PDF、JPEG、PNG 或 OFD（检测到可执行程序），请上传原件扫描件或照片',
      size: elf().length,
    });
  });

  it('refuses a renamed Windows executable, a script, a web page and a plain ZIP, saying what they are', async () => {
    // Act
    const reasons = await Promise.all(
      [windowsExecutable(), Buffer.from('#!/bin/sh\nrm -rf ~\n'), Buffer.from('\uFEFF  <html><script>alert(1)</script></html>'), zip({ 'word/document.xml': '<w:document/>' })].map(
        async (file) => refusal(await checkFile(file, pdfOnly)),
      ),
    );

    // Assess
    expect(reasons.map((r) => r?.code)).toEqual(['unrecognised', 'unrecognised', 'unrecognised', 'unrecognised']);
    expect(reasons.map((r) => /（检测到(.+)）/.exec(r!.reason)?.[1])).toEqual(['可执行程序', '脚本程序', '网页或 SVG', '压缩包或 Office 文档']);
    expect(reasons[0]!.reason).toBe('「会员名册」的文件内容不是 PDF（检测到可执行程序），请上传原件扫描件或照片');
  });

  it('refuses a kind the material does not take, naming it', async () => {
    // Act
    const result = refusal(await checkFile(png(), plan));

    // Assess
    expect(result).toMatchObject({ code: 'kind_not_accepted', reason: '「建设方案」的文件内容不是 PDF 或 OFD（检测到PNG），请上传原件扫描件或照片' });
  });

  it('refuses an OFD where only PDF is taken, and an OFD whose entries climb out of its folder', async () => {
    // Act
    const notTaken = refusal(await checkFile(ofd(), pdfOnly));
    const climbing = refusal(await checkFile(zip({ 'OFD.xml': '<ofd:OFD/>', '../../etc/cron.d/x': '* * * * * root sh' }), roster));

    // Assess
    expect(notTaken?.code).toBe('kind_not_accepted');
    expect(climbing?.code).toBe('uncheckable');
  });

  it('refuses a file of zero bytes', async () => {
    // Act
    const result = refusal(await checkFile(Buffer.alloc(0), roster));

    // Assess
    expect(result).toEqual({ ok: false, code: 'empty', reason: '「会员名册」的文件是空的（0 字节），请重新选择文件上传', size: 0 });
  });

  it('refuses a file over the limit as soon as the limit is passed, without reading the rest', async () => {
    // Prepare: 64 chunks of 64 bytes, counting how many the check asks for
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 64; i++) {
        pulled++;
        yield pdf().subarray(0, 64);
      }
    }

    // Act
    const result = refusal(await checkFile(source(), small));

    // Assess
    expect(result?.code).toBe('too_large');
    expect(result?.reason).toBe('「会员名册」的文件超过 1 KB，请压缩或分页扫描后上传');
    expect(pulled).toBe(17);
  });

  it('says the catalogue limit in megabytes', async () => {
    // Act
    const check = new FileCheck(roster);
    const result = check.push(Buffer.alloc(maxMaterialBytes + 1));

    // Assess
    expect(result && !result.ok && result.reason).toBe('「会员名册」的文件超过 20 MB，请压缩或分页扫描后上传');
  });

  it('refuses a PDF cut short (no %%EOF)', async () => {
    // Act
    const result = refusal(await checkFile(pdf({ truncated: true }), roster));

    // Assess
    expect(result).toMatchObject({ code: 'truncated', reason: '「会员名册」的文件不完整（缺少 PDF 文件结尾 %%EOF），请重新上传' });
  });

  it('refuses a PNG cut short', async () => {
    // Act
    const result = refusal(await checkFile(png().subarray(0, 40), photos));

    // Assess
    expect(result?.code).toBe('truncated');
  });
});

describe('active content in a PDF', () => {
  const openAction = (action: string) => pdf({ objects: [`<< /Type /Action ${action} >>`] });

  it.each([
    ['/JavaScript', '/S /JavaScript /JS (app.alert(1))'],
    ['/J#61vaScript, a name with hex escapes', '/S /J#61vaScript /J#53 (app.alert(1))'],
    ['/JS alone', '/JS 7 0 R'],
    ['/Launch', '/S /Launch /F (cmd.exe)'],
    ['/SubmitForm', '/S /SubmitForm /F (https://example.org)'],
    ['/ImportData', '/S /ImportData /F (data.fdf)'],
    ['/RichMedia', '/Subtype /RichMedia'],
    ['/EmbeddedFiles', '/EmbeddedFiles 8 0 R'],
    ['/EmbeddedFile', '/Type /EmbeddedFile'],
    ['/AA, actions run on events', '/AA << /O 9 0 R >>'],
    ['/XFA, forms that carry scripts', '/XFA 10 0 R'],
    ['all in hex escapes', '/#4C#61#75#6E#63#68'],
  ])('refuses %s', async (_, action) => {
    // Act
    const result = refusal(await checkFile(openAction(action), roster));

    // Assess
    expect(result?.code).toBe('active_content');
    expect(result?.reason).toMatch(/^「会员名册」的 PDF 含有脚本、自动操作或嵌入文件（\/\w+），请用“打印为 PDF”或扫描重新生成后上传$/);
  });

  it('refuses JavaScript found only inside a FlateDecode object stream', async () => {
    // Prepare: the action's dictionary is compressed; its bytes in the file show no name at all
    const file = pdf({ objects: [objectStream(['<< /S /JavaScript /JS (app.alert(1)) >>'], 7)] });
    expect(file.includes('JavaScript')).toBe(false);

    // Act
    const result = refusal(await checkFile(file, roster));

    // Assess
    expect(result).toMatchObject({ code: 'active_content' });
  });

  it('refuses a short name (/J#53 = /JS, /AA) hex-escaped inside an object stream', async () => {
    // Act
    const escaped = refusal(await checkFile(pdf({ objects: [objectStream(['<< /S /URI /J#53 (x) >>'], 7)] }), roster));
    const aa = refusal(await checkFile(pdf({ objects: [objectStream(['<< /Type /Annot /AA << >> >>'], 7)] }), roster));

    // Assess
    expect(escaped?.reason).toContain('（/JS）');
    expect(aa?.reason).toContain('（/AA）');
  });

  it('accepts an object stream of harmless objects', async () => {
    // Act
    const result = await checkFile(pdf({ objects: [objectStream(['<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://www.gdsta.cn) >> >>', '[1 2 3]'], 7)] }), roster);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('refuses an object stream it cannot decode, and one that inflates past the bound (a zip bomb)', async () => {
    // Prepare
    const lzw = pdf({ objects: [objectStream(['<< /S /URI >>'], 7, { filter: '/LZWDecode' })] });
    const bomb = pdf({ objects: [streamObject('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', deflateSync(Buffer.alloc(checkLimits.inflatedBytes + 1)))] });

    // Act
    const results = await Promise.all([checkFile(lzw, roster), checkFile(bomb, roster)]);

    // Assess
    expect(results.map((r) => refusal(r)?.code)).toEqual(['uncheckable', 'uncheckable']);
    expect(refusal(results[1])?.reason).toContain('压缩内容过大');
  });

  it('accepts a name such as /JS met by chance in an image stream, and in a string', async () => {
    // Prepare: binary stream data holding "/JS " and "/AA>", and a title that mentions /JS
    const data = Buffer.concat([pseudoRandom(3000, 11), Buffer.from('/JS /AA>'), pseudoRandom(3000, 13)]);
    const file = pdf({ objects: [streamObject('/Type /XObject /Subtype /Image /Width 10 /Height 10 /Filter /DCTDecode', data), '<< /Title (about /JS and \\(nested\\) parens) >>'] });

    // Act
    const result = await checkFile(file, roster);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('refuses a long active name hidden in stream data, where a recovering viewer may read it', async () => {
    // Prepare
    const data = Buffer.concat([pseudoRandom(500, 3), Buffer.from('9 0 obj << /S /JavaScript /JS (x) >> endobj'), pseudoRandom(500, 4)]);

    // Act
    const result = refusal(await checkFile(pdf({ objects: [streamObject('/Filter /DCTDecode', data)] }), roster));

    // Assess
    expect(result?.code).toBe('active_content');
  });

  it('refuses an encrypted PDF, which it cannot look into', async () => {
    // Act
    const result = refusal(await checkFile(pdf({ objects: ['<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>'], trailer: '/Encrypt 6 0 R ' }), roster));

    // Assess
    expect(result).toMatchObject({ code: 'encrypted', reason: '「会员名册」的文件已加密或设有密码，无法检查，请上传未加密的文件' });
  });

  it('gives the same verdict however the bytes are cut into chunks', async () => {
    // Prepare: files whose names, keywords and `endstream` fall across chunk ends for some cuttings
    const files = [
      pdf(),
      pdf({ objects: ['<< /S /J#61vaScript >>'] }),
      pdf({ objects: [objectStream(['<< /J#53 (x) >>'], 7)] }),
      pdf({ objects: [streamObject('/Filter /DCTDecode', Buffer.concat([pseudoRandom(200, 9), Buffer.from('/JS'), pseudoRandom(200, 2)]))] }),
      pdf({ objects: [streamObject('/Filter /DCTDecode', Buffer.concat([pseudoRandom(100, 5), Buffer.from('/Launch'), pseudoRandom(100, 6)]))] }),
      pdf({ truncated: true }),
    ];
    const whole = await Promise.all(files.map((f) => checkFile(f, roster)));
    expect(whole.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'active_content', 'active_content', 'ok', 'active_content', 'truncated']);

    // Act, Assess
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: files.length - 1 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), async (i, sizes) => {
        const result = await checkFile(chunked(files[i], sizes), roster);
        // A refusal's size is how far the check read, which the cutting decides.
        expect(result.ok ? result : { ...result, size: 0 }).toEqual(whole[i].ok ? whole[i] : { ...whole[i], size: 0 });
      }),
      { numRuns: 200 },
    );
  });
});

describe('the kind from the first bytes', () => {
  it('tells the kinds apart without the name', () => {
    // Act
    const kinds = [pdf(), jpeg(), png(), ofd(), elf(), windowsExecutable(), Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), Buffer.from('hello world, plain text')].map((b) =>
      sniffKind(b.subarray(0, 16)),
    );

    // Assess
    expect(kinds).toEqual(['pdf', 'jpeg', 'png', 'zip', 'executable', 'executable', 'executable', 'unknown']);
  });

  it('checks a 20 MB PDF within a bounded time, hashing it once', async () => {
    // Prepare: an image stream of 20 MB less the rest, delivered in 64 KiB chunks as S3 sends them
    const image = pseudoRandom(maxMaterialBytes - 2048, 17);
    const file = pdf({ objects: [streamObject('/Type /XObject /Subtype /Image /Filter /DCTDecode', image)] });
    const started = performance.now();

    // Act
    const result = await checkFile(chunked(file, [64 * 1024]), roster);

    // Assess: the native searches and the hash, not a byte-by-byte loop (which takes seconds)
    expect(result).toMatchObject({ ok: true, size: file.length, sha256: sha256(file) });
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
