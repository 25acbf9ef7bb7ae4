/**
 * Harbor's password rule for local users (and for robot secrets chosen by a person): 8 to 128 characters
 * with at least one upper-case letter, one lower-case letter and one digit. Characters are Unicode code
 * points; the letter and digit classes are ASCII, as in Harbor.
 */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = 'too-short' | 'too-long' | 'no-uppercase' | 'no-lowercase' | 'no-digit';

export type PasswordCheck = { ok: true } | { ok: false; problems: PasswordProblem[]; message: string };

const MESSAGES: Readonly<Record<PasswordProblem, string>> = {
  'too-short': `be at least ${PASSWORD_MIN_LENGTH} characters long`,
  'too-long': `be at most ${PASSWORD_MAX_LENGTH} characters long`,
  'no-uppercase': 'contain an upper-case letter (A-Z)',
  'no-lowercase': 'contain a lower-case letter (a-z)',
  'no-digit': 'contain a digit (0-9)',
};

/** Checks `password` against the rule, naming every unmet requirement in one message. */
export function checkPassword(password: string): PasswordCheck {
  const length = [...password].length;
  const problems: PasswordProblem[] = [];
  if (length < PASSWORD_MIN_LENGTH) problems.push('too-short');
  if (length > PASSWORD_MAX_LENGTH) problems.push('too-long');
  if (!/[A-Z]/.test(password)) problems.push('no-uppercase');
  if (!/[a-z]/.test(password)) problems.push('no-lowercase');
  if (!/[0-9]/.test(password)) problems.push('no-digit');
  if (problems.length === 0) return { ok: true };
  return { ok: false, problems, message: `the password must ${joinRequirements(problems.map((p) => MESSAGES[p]))}` };
}

function joinRequirements(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}
