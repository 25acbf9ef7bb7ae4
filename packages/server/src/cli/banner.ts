import type { GeneratedAdminPassword } from '../services/admin-bootstrap.js';

/**
 * The administrator password generated at first start, set apart from the log lines so that a person starting
 * Wharf sees it (`wharf serve` writes it to stderr once; the log has it too, at warn level).
 */
export function adminPasswordBanner(generated: GeneratedAdminPassword): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    '  First start: Wharf created the administrator account.',
    '',
    `    username:  ${generated.username}`,
    `    password:  ${generated.password}`,
    '',
    `  The password is also in ${generated.file} (mode 0600). It is not shown again:`,
    '  sign in and change it.',
    rule,
    '',
    '',
  ].join('\n');
}
