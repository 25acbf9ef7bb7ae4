/** Harbor's labels (src/pkg/label): global (`g`) or of one project (`p`), named, described and coloured. */
import { InvalidError } from './errors.js';

export type LabelScope = 'g' | 'p';

/** Harbor's limit on a label's name. */
export const MAX_LABEL_NAME_LENGTH = 128;

function invalid(message: string): InvalidError {
  return new InvalidError('field', message);
}

/** Harbor's Label.Valid for the name: not empty, at most 128 characters. */
export function labelNameOf(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid('name: cannot be empty');
  if (value.length > MAX_LABEL_NAME_LENGTH) throw invalid(`name: max length is ${MAX_LABEL_NAME_LENGTH}`);
  return value;
}

export function labelScopeOf(value: unknown): LabelScope {
  if (value !== 'g' && value !== 'p') throw invalid(`scope: invalid: ${String(value)} (g or p)`);
  return value;
}

/** An optional text field (description, color): absent is empty. */
export function labelTextOf(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}
