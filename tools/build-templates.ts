// Builds the templates the material lists offer (forms/materials.ts's `template`) into web/public/templates/ as PDF.
// Run: npx tsx tools/build-templates.ts (needs Debian's fonts-wqy-zenhei). The output is committed: the font is
// embedded as a subset of the characters used, and the dates are fixed, so a rebuild gives the same bytes.
import { createWriteStream, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';

/** WenQuanYi Zen Hei (GPL with the font exception: embedding it does not make the document GPL). */
export const fontFile = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const fontFamily = 'WenQuanYiZenHei';

export const templatesDir = fileURLToPath(new URL('../web/public/templates/', import.meta.url));

interface Template {
  file: string;
  title: string;
  paragraphs: string[];
  /** Lines to fill in, under the text. */
  fields: string[];
  signature: string[];
}

const blank = '＿＿＿＿＿＿＿＿＿＿＿＿';

export const templates: Template[] = [
  {
    file: 'academician-pledge.pdf',
    title: '院士专家工作站进站院士承诺书',
    paragraphs: [
      `本人自愿进入${blank}（建站单位）院士专家工作站，并郑重承诺：`,
      '一、本人恪守科学道德和学术诚信，所提供的个人信息及证明材料真实、准确、完整。',
      '二、本人按照与建站单位签订的合作协议，在服务期内（一般为三年）每年到工作站开展工作不少于＿＿天，带领团队开展技术攻关、成果转化和人才培养。',
      '三、进站期间形成的成果和知识产权，其归属按合作协议约定执行；本人不侵犯他人知识产权。',
      '四、本人目前进入的院士专家工作站共＿＿个（含本站），名称如下：＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿。',
      '五、本人同意省科协及有关部门对工作站运行情况进行检查和评估，并配合提供年度报告所需材料。',
      '六、如违反上述承诺，本人愿承担相应责任。',
    ],
    fields: [
      `院士姓名：${blank}`,
      '院士类别：□ 中国科学院院士　□ 中国工程院院士　□ 其他（如外籍院士）',
      `工作单位：${blank}`,
      `研究领域：${blank}`,
      `联系电话：${blank}`,
    ],
    signature: ['院士（签字）：＿＿＿＿＿＿＿＿', '年　　月　　日'],
  },
];

/** Fixed so that a rebuild writes the same bytes (pdfkit derives the document's /ID from its info). */
const fixedDate = new Date('2026-01-01T00:00:00Z');

function render(template: Template, out: string): Promise<void> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 72, bottom: 72, left: 72, right: 72 },
    info: { Title: template.title, Author: '广东省科学技术协会', Creator: 'tools/build-templates.ts', CreationDate: fixedDate, ModDate: fixedDate },
    lang: 'zh-CN',
  });
  doc.registerFont('zh', fontFile, fontFamily);
  const done = new Promise<void>((resolve, reject) => {
    const file = createWriteStream(out);
    file.on('finish', resolve).on('error', reject);
    doc.pipe(file);
  });
  doc.font('zh').fontSize(18).text(template.title, { align: 'center' });
  doc.moveDown(1.5);
  doc.fontSize(12);
  for (const paragraph of template.paragraphs) doc.text(paragraph, { lineGap: 6, paragraphGap: 6 });
  doc.moveDown(1.5);
  for (const field of template.fields) doc.text(field, { lineGap: 10 });
  doc.moveDown(2);
  for (const line of template.signature) doc.text(line, { align: 'right', lineGap: 10 });
  doc.end();
  return done;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  mkdirSync(templatesDir, { recursive: true });
  for (const template of templates) {
    await render(template, `${templatesDir}${template.file}`);
    console.log(`wrote ${templatesDir}${template.file}`);
  }
}
