/**
 * Sending e-mail (password reset links) through an SMTP server. The server's settings live in the database (the
 * `email_*` configurations) and may change at any time, so every call is given them.
 */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** Empty: no authentication. */
  readonly username: string;
  readonly password: string;
  /** The sender, e.g. `Wharf <registry@example.com>`. */
  readonly from: string;
  /** TLS from the first byte (SMTPS, usually port 465); otherwise STARTTLS when the server offers it. */
  readonly ssl: boolean;
  /** Accept a server certificate that does not verify. */
  readonly insecure: boolean;
  /** The name Wharf gives itself in the SMTP greeting (EHLO); empty: the host name. */
  readonly identity: string;
}

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
}

export interface Mailer {
  /** Sends `message`; rejects with the SMTP server's error (connection refused, authentication, refused recipient). */
  send(settings: SmtpSettings, message: MailMessage): Promise<void>;
  /** Connects and authenticates without sending anything; rejects as `send` would. */
  verify(settings: SmtpSettings): Promise<void>;
}
