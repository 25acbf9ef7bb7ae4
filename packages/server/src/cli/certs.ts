import { webcrypto } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';

/**
 * `wharf certs`: a private CA and a server certificate it signs, for a registry reached by the names and addresses
 * given. Built with @peculiar/x509 over Node's WebCrypto (docs/operations.md says why): ECDSA P-256 keys, SHA-256
 * signatures, which every container client (Go's crypto/tls, OpenSSL) accepts.
 */
export interface CertsOptions {
  readonly out: string;
  /** DNS names and IP addresses the server certificate is valid for (at least one). */
  readonly sans: readonly string[];
  /** Replace existing files instead of refusing. */
  readonly force: boolean;
  /** Validity of the server certificate in days (the CA lasts ten times as long). */
  readonly days: number;
  readonly now?: Date;
}

export interface CertsResult {
  readonly files: { caCert: string; caKey: string; cert: string; key: string };
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY_MS = 86_400_000;

export class CertsError extends Error {}

/** Splits and checks `--san` values: IP addresses (v4 or v6) and DNS names (a leading `*.` allowed). */
export function parseSans(values: readonly string[]): { dns: string[]; ip: string[] } {
  const dns: string[] = [];
  const ip: string[] = [];
  for (const raw of values.flatMap((v) => v.split(',')).map((v) => v.trim())) {
    if (raw === '') continue;
    const bare = raw.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) ip.push(bare);
    else if (/^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(raw)) {
      dns.push(raw.toLowerCase());
    } else throw new CertsError(`--san ${raw}: neither a DNS name nor an IP address`);
  }
  if (dns.length + ip.length === 0) throw new CertsError('give at least one --san (a DNS name or an IP address)');
  return { dns, ip };
}

async function writeNew(file: string, text: string, mode: number, force: boolean): Promise<void> {
  const flags = force ? constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC : 'wx';
  const handle = await open(file, flags, mode).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new CertsError(`${file} exists; pass --force to replace it`);
    throw err;
  });
  try {
    await handle.chmod(mode); // the umask, or an older file's mode, must not widen a key
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function pemKey(der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export async function makeCerts(options: CertsOptions): Promise<CertsResult> {
  const { dns, ip } = parseSans(options.sans);
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const now = options.now ?? new Date();
  const files = {
    caCert: path.resolve(options.out, 'ca.crt'),
    caKey: path.resolve(options.out, 'ca.key'),
    cert: path.resolve(options.out, 'server.crt'),
    key: path.resolve(options.out, 'server.key'),
  };
  if (!options.force) {
    // Refuse before generating anything, so that no file of a half-written set is left behind.
    for (const file of Object.values(files)) {
      if (
        await access(file).then(
          () => true,
          () => false,
        )
      ) {
        throw new CertsError(`${file} exists; pass --force to replace it`);
      }
    }
  }
  const caKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const serverKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caName = `CN=Wharf private CA ${now.toISOString().slice(0, 10)}`;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + options.days * 10 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const server = await x509.X509CertificateGenerator.create({
    subject: `CN=${dns[0] ?? ip[0]!}`,
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ALGORITHM,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + options.days * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dns.map((value) => ({ type: 'dns' as const, value })),
        ...ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  await mkdir(options.out, { recursive: true, mode: 0o755 });
  await writeNew(
    files.caKey,
    pemKey(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey)),
    0o600,
    options.force,
  );
  await writeNew(
    files.key,
    pemKey(await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey)),
    0o600,
    options.force,
  );
  await writeNew(files.caCert, `${ca.toString('pem')}\n`, 0o644, options.force);
  await writeNew(files.cert, `${server.toString('pem')}\n${ca.toString('pem')}\n`, 0o644, options.force);
  return { files };
}

/** Where clients look for a registry's CA, and the configuration that serves the pair. */
export function certsInstructions(result: CertsResult, sans: readonly string[], port: number): string {
  const { dns, ip } = parseSans(sans);
  const host = `${dns[0] ?? (ip[0]!.includes(':') ? `[${ip[0]!}]` : ip[0]!)}:${port}`;
  const { files } = result;
  return `Wrote:
  ${files.caCert}   the CA certificate: give it to every client
  ${files.caKey}   the CA's private key (0600): keep it offline; it signs further server certificates
  ${files.cert}   the server certificate (followed by the CA certificate)
  ${files.key}   the server's private key (0600)

Serve it (wharf.yml, or WHARF_HTTP_TLS_CERTIFICATE / WHARF_HTTP_TLS_KEY):
  http:
    tls:
      certificate: ${files.cert}
      key: ${files.key}
(SIGHUP reloads both.)

Trust the CA on each client (${host} is the name and port clients use):
  docker:                  /etc/docker/certs.d/${host}/ca.crt
  podman, buildah, skopeo: /etc/containers/certs.d/${host}/ca.crt  (or --cert-dir DIR holding ca.crt)
  containerd:              /etc/containerd/certs.d/${host}/hosts.toml containing
                             server = "https://${host}"
                             [host."https://${host}"]
                               ca = "/etc/containerd/certs.d/${host}/ca.crt"
                           (with config_path = "/etc/containerd/certs.d" in containerd's CRI registry section)
`;
}
