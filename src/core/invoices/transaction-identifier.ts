import type { FieldProblem } from '../errors.js';
import { CONTROL_CHARS } from '../text.js';

/**
 * A transaction identifier is a (name, id) pair: both or neither, and the id is short printable
 * text. Ingestion metadata and the getInvoices/export filters follow the same rule.
 */
export function transactionIdentifierProblems(
  name: string | undefined,
  id: string | undefined,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ((name === undefined) !== (id === undefined)) {
    problems.push({
      field: name === undefined ? 'transactionIdentifierName' : 'transactionIdentifierId',
      message: 'transactionIdentifierName and transactionIdentifierId must be provided together',
    });
  }
  if (id !== undefined && (id.length === 0 || id.length > 128 || CONTROL_CHARS.test(id))) {
    problems.push({
      field: 'transactionIdentifierId',
      message: 'must be 1 to 128 characters, no control characters',
    });
  }
  return problems;
}
