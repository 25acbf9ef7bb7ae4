import { InvalidError } from '../domain/errors.js';
import { checkPassword } from '../domain/users/password-policy.js';

/**
 * Harbor's rules for the fields of local users: a username of 1-255 characters without `,~#$%`, an email of the
 * usual shape, a real name of at most 255 characters, a comment of at most 30, and the password policy.
 */
const ILLEGAL_USERNAME_CHARACTERS = /[,~#$%]/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

export function validateUsername(username: string | undefined): string {
  if (username === undefined || username.length === 0) throw invalid('username is required');
  if ([...username].length > 255) throw invalid('username must be at most 255 characters long');
  if (ILLEGAL_USERNAME_CHARACTERS.test(username) || /\s/.test(username)) {
    throw invalid('username must not contain white space or any of , ~ # $ %');
  }
  return username;
}

/** An absent or empty email is no email. */
export function validateEmail(email: string | undefined): string | null | undefined {
  if (email === undefined) return undefined;
  if (email === '') return null;
  if ([...email].length > 255 || !EMAIL.test(email)) {
    throw invalid('email must be an email address of at most 255 characters');
  }
  return email;
}

export function validateText(field: 'realname' | 'comment', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const max = field === 'realname' ? 255 : 30;
  if ([...value].length > max) {
    throw invalid(`${field} must be text of at most ${max} characters`);
  }
  return value;
}

export function validatePassword(password: string | undefined, field = 'password'): string {
  if (password === undefined || password === '') throw invalid(`${field} is required`);
  const check = checkPassword(password);
  if (!check.ok) throw invalid(check.message);
  return password;
}
