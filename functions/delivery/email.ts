// E-mail out: Amazon SES (SESv2 SendEmail) where the region has it, an SMTP relay otherwise (the China regions, where
// SES is not offered; and the local catcher). Each message carries a Message-ID made from its delivery, so a message
// sent again after a crash is the same message to the receiving systems; SES sets its own Message-ID, so it also
// carries the delivery in `X-Delivery-Id`. The relay's password is read once from an SSM SecureString.
import type { MailSettings } from '../config.js';
import { readParameter } from '../ssm-parameter.js';

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  /** Stable per delivery: `<notification.channel@host>`. */
  messageId: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}

export function emailSender(settings: MailSettings, region: string): EmailSender | undefined {
  switch (settings.transport) {
    case 'none':
      return undefined;
    case 'ses':
      return sesSender(settings.from, region);
    case 'smtp':
      return smtpSender(settings, region);
  }
}

function sesSender(from: string, region: string): EmailSender {
  // Loaded on first use: only the sweeper sends, and only where SES is the transport.
  let client: Promise<{ send: (message: EmailMessage) => Promise<void> }> | undefined;
  const load = async () => {
    const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
    const ses = new SESv2Client({ region, maxAttempts: 3 });
    return {
      send: async (message: EmailMessage) => {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: message.to },
            Content: {
              Simple: {
                Subject: { Data: message.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
                Headers: [{ Name: 'X-Delivery-Id', Value: message.messageId }],
              },
            },
          }),
          { abortSignal: AbortSignal.timeout(10_000) },
        );
      },
    };
  };
  return { send: async (message) => (await (client ??= load())).send(message) };
}

function smtpSender(settings: Extract<MailSettings, { transport: 'smtp' }>, region: string): EmailSender {
  let transport: Promise<import('nodemailer').Transporter> | undefined;
  const load = async () => {
    const nodemailer = await import('nodemailer');
    const url = new URL(settings.url);
    const password = settings.passwordParameter ? await readParameter(settings.passwordParameter, { region, decrypt: true }) : undefined;
    return nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      ...(settings.user && password ? { auth: { user: settings.user, pass: password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  };
  return {
    send: async (message) => {
      await (await (transport ??= load())).sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
        textEncoding: 'base64',
      });
    },
  };
}
