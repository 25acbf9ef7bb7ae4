// Finds English left on a page shown in Chinese: every Latin word of the visible text must be a name, a unit, a
// piece of data the test itself created, or part of a digest, media type, command or address.

/** Words that are the same in every language: product and tool names, units, protocol names. */
const ALLOWED = new Set([
  'Wharf',
  'Docker',
  'docker',
  'Podman',
  'podman',
  'Skopeo',
  'skopeo',
  'Helm',
  'helm',
  'HTTP',
  'HTTPS',
  'HTML',
  'API',
  'OpenAPI',
  'Markdown',
  'JSON',
  'SBOM',
  // Identity: protocol and product names, and their terms of art (Harbor's Chinese portal keeps them too).
  'LDAP',
  'OIDC',
  'OpenID',
  'Connect',
  'Active',
  'Directory',
  'StartTLS',
  'DN',
  'ID',
  'CLI',
  // LDAP attribute names and OIDC scope names, named in the settings' help texts as the server knows them.
  'uid',
  'cn',
  'sAMAccountName',
  'memberof',
  'memberOf',
  'objectClass',
  'openid',
  // Webhooks and their formats keep their names in Chinese too (Harbor's Chinese portal says Webhook).
  'Webhook',
  'Webhooks',
  'CloudEvents',
  'Slack',
  // Storage driver names shown as data (System status).
  'filesystem',
  'Labels',
  'robot',
  'B',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
]);

/** Patterns of data rather than text: digests, media types, addresses, commands and tokens of the test's own data. */
const DATA = [
  /sha256:[0-9a-f]{6,64}/g,
  /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, // e-mail addresses
  /"[^"\n]*"/g, // quoted strings of configuration snippets (JSON keys such as insecure-registries)
  /\b[a-z]+(?:-[a-z]+)+\b/g, // kebab-case configuration keys named in text (insecure-registries)
  /\b[\w.-]+\/[\w.+-]+(?:\/[\w.+-]+)*/g, // media types, repository paths, platforms (linux/amd64)
  /\b(?:docker|podman|skopeo|helm) [^\n]*/g, // commands shown to copy
  /--[\w-]+(?:=\w+)?/g,
  /\b\w+\.json\b/g,
  /\bldaps?:\/\//g, // URL schemes in the LDAP settings' help texts
  /\boffline_access\b/g, // the OIDC scope
  /\b[\w-]+=[^\s]*/g, // environment variables and labels
  /\b(?:127\.0\.0\.1|localhost)(?::\d+)?/g,
  // dotted configuration keys named in text (notifications.endpoints); after media types, which contain dots
  /\b[a-z]+(?:\.[a-zA-Z]+)+\b/g,
];

/**
 * The English words of `text` that are not allowed: `data` lists the values the test created (project, user,
 * repository and robot names, tags) which appear verbatim.
 */
export function untranslatedWords(text: string, data: readonly string[]): string[] {
  // Data patterns first: a test value (tag `v1`) inside a media type would otherwise split it into words.
  let rest = text;
  for (const pattern of DATA) rest = rest.replace(pattern, ' ');
  for (const value of [...data].sort((a, b) => b.length - a.length)) rest = rest.split(value).join(' ');
  const words = rest.match(/[A-Za-z]{2,}/g) ?? [];
  return [...new Set(words.filter((word) => !ALLOWED.has(word)))];
}
