import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the SMTP server accepted: its envelope and the parsed mail. */
export interface CapturedMail {
  readonly from: string | undefined;
  readonly to: readonly string[];
  readonly mail: ParsedMail;
}

export interface SmtpCapture {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Every message accepted so far, in order. */
  readonly messages: readonly CapturedMail[];
  /** The next message accepted after the ones already taken by `next`. */
  next(): Promise<CapturedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on a random port of 127.0.0.1, requiring PLAIN/LOGIN
 * authentication with the given credentials over plain text (no STARTTLS), that keeps every message it accepts.
 */
export async function startSmtpCapture(username = 'mailer', password = 'Sm7p-secret'): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiting: ((mail: CapturedMail) => void)[] = [];
  let taken = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === username && auth.password === password) callback(null, { user: username });
      else callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const captured: CapturedMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            mail,
          };
          messages.push(captured);
          waiting.shift()?.(captured);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    host: '127.0.0.1',
    port,
    username,
    password,
    messages,
    next() {
      const index = taken++;
      const ready = messages[index];
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
