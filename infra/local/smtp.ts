// The local stack's mail catcher: an SMTP server on 127.0.0.1 (smtp-server, the library nodemailer's author keeps)
// that accepts every message and writes it, as sent, to DATA_DIR/mail/<time>-<n>.eml. Nothing leaves the machine;
// a developer opens the .eml files with any mail reader (or reads them: they are text). It survives restarts
// because the mail is on disk; the port is new at each start.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface MailCatcher {
  url: string;
  dir: string;
  close: () => Promise<void>;
}

/** At most this much of one message is kept (a notice is a few hundred bytes). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startMailCatcher(dir: string): Promise<MailCatcher> {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    banner: 'gd-kexie local mail catcher',
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const name = `${Date.now()}-${process.pid}-${++count}.eml`;
        // Written beside, then renamed: a reader never sees half a message.
        writeFileSync(join(dir, `.${name}`), Buffer.concat(chunks));
        renameSync(join(dir, `.${name}`), join(dir, name));
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return { url: `smtp://127.0.0.1:${port}`, dir, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The messages caught so far, oldest first, as raw text. */
export function caughtMail(dir: string): { file: string; raw: string }[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml') && !f.startsWith('.'));
  } catch {
    return [];
  }
  return files.sort().map((file) => ({ file, raw: readFileSync(join(dir, file), 'utf8') }));
}
