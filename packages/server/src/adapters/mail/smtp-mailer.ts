import { createTransport, type Transporter } from 'nodemailer';
import type { MailMessage, Mailer, SmtpSettings } from '../../ports/mailer.js';

/** Seconds to wait for the SMTP server at each step before giving up. */
const TIMEOUT_MS = 15_000;

/**
 * The mailer over nodemailer's SMTP transport: one connection per message (reset mails are rare), built from the
 * settings of the moment.
 */
export class SmtpMailer implements Mailer {
  async send(settings: SmtpSettings, message: MailMessage): Promise<void> {
    const transport = transportOf(settings);
    try {
      await transport.sendMail({
        from: settings.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        ...(message.html !== undefined && { html: message.html }),
      });
    } finally {
      transport.close();
    }
  }

  async verify(settings: SmtpSettings): Promise<void> {
    const transport = transportOf(settings);
    try {
      await transport.verify();
    } finally {
      transport.close();
    }
  }
}

function transportOf(settings: SmtpSettings): Transporter {
  return createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.ssl,
    ...(settings.identity !== '' && { name: settings.identity }),
    ...(settings.username !== '' && { auth: { user: settings.username, pass: settings.password } }),
    tls: { rejectUnauthorized: !settings.insecure },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
}
