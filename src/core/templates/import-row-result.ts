/**
 * What the importer reports for one row of an upload. `rowResult` turns the file-only check into
 * it; the caller, who has the database, then rejects rows for what only the database knows (the
 * key already used by another order, an order item that is not the seller's) with `rejectRow`.
 */
import type { FieldProblem } from '../errors.js';
import type { FilledRowCheck } from './check-filled-row.js';

export interface ImportRowResult {
  rowNumber: number;
  /** `unchanged`: the row had no key; `rejected`: see `problems`. */
  outcome: 'accepted' | 'unchanged' | 'rejected';
  orderId?: string;
  orderItemId?: string;
  accessKey?: string;
  problems: FieldProblem[];
}

export function rowResult(rowNumber: number, check: FilledRowCheck): ImportRowResult {
  switch (check.outcome) {
    case 'filled':
      return {
        rowNumber,
        outcome: 'accepted',
        orderId: check.orderId,
        orderItemId: check.orderItemId,
        accessKey: check.accessKey,
        problems: [],
      };
    case 'not-filled':
      return { rowNumber, outcome: 'unchanged', ...ids(check), problems: [] };
    case 'invalid':
      return { rowNumber, outcome: 'rejected', ...ids(check), problems: [...check.problems] };
  }
}

function ids(check: { orderId?: string; orderItemId?: string }) {
  return {
    ...(check.orderId !== undefined ? { orderId: check.orderId } : {}),
    ...(check.orderItemId !== undefined ? { orderItemId: check.orderItemId } : {}),
  };
}

/** The same row, rejected for `problems` on top of any it had. */
export function rejectRow(result: ImportRowResult, ...problems: FieldProblem[]): ImportRowResult {
  return { ...result, outcome: 'rejected', problems: [...result.problems, ...problems] };
}

/** The database check the file cannot make: one NF-e belongs to one order. */
export function keyUsedByAnotherOrder(otherOrderId: string): FieldProblem {
  return { field: 'accessKey', message: `access key: already used by order ${otherOrderId}` };
}
