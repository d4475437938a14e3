// `npm run mail [count]`: the local mail catcher's newest messages (DATA_DIR/mail), decoded: when, to whom, the
// subject and the text. The .eml files stay as they were sent; this only reads them.
import { resolve } from 'node:path';
import { caughtMail, parseMail } from './smtp.js';

const dir = resolve(process.env.DATA_DIR ?? '.data', 'mail');
const count = Number(process.argv[2] ?? 10);
const messages = caughtMail(dir).map(({ file, raw }) => parseMail(file, raw));
if (!messages.length) console.log(`${dir} 中还没有邮件`);
for (const mail of messages.slice(-count)) {
  console.log(`── ${mail.headers.date ?? mail.file}  收件人 ${mail.to}\n主题：${mail.subject}\n${mail.text.trim()}\n`);
}
