/**
 * What the database decides about one key for one order item, after the file-only checks of
 * `checkFilledRow` passed. Shared by the import feed and the single-item PUT, so both answer alike.
 */
import type { FieldProblem } from '../errors.js';
import { BRAZIL } from '../marketplaces.js';
import type { Repositories } from '../ports/store.js';
import { KEYED_ORDER_STATUSES } from './access-key-items.js';
import { keyUsedByAnotherOrder } from './import-row-result.js';

export type Assignment =
  | { outcome: 'applied' }
  /** The item already has this very key: re-importing the same file changes nothing. */
  | { outcome: 'unchanged'; reason: string }
  | { outcome: 'rejected'; conflict: boolean; problem: FieldProblem };

const reject = (field: string, message: string, conflict = false): Assignment => ({
  outcome: 'rejected',
  conflict,
  problem: { field, message },
});

/**
 * Checks and, when it passes, stores `accessKey` on the item. Runs inside the caller's transaction,
 * after `lockSeller`: the check and the write of one row commit together.
 */
export async function assignKey(
  tx: Repositories,
  sellerId: string,
  orderId: string,
  orderItemId: string,
  accessKey: string,
): Promise<Assignment> {
  const target = await tx.accessKeyItems.target(sellerId, orderId, orderItemId);
  if (!target) {
    return reject('orderItemId', `order item ${orderItemId} of order ${orderId} is not one of this seller's`);
  }
  if (target.accessKey === accessKey || target.linkedInvoiceKey === accessKey) {
    return { outcome: 'unchanged', reason: 'the order item already has this access key' };
  }
  if (target.accessKey) {
    return reject(
      'accessKey',
      `access key: the order item already has the access key ${target.accessKey}`,
      true,
    );
  }
  if (target.linkedInvoiceKey) {
    return reject(
      'accessKey',
      `access key: the order already has the NF-e ${target.linkedInvoiceKey} linked to it`,
      true,
    );
  }
  if (target.marketplaceId !== BRAZIL) {
    return reject('orderId', `order ${orderId} is not an order of the Brazilian marketplace`);
  }
  if (!(KEYED_ORDER_STATUSES as readonly string[]).includes(target.orderStatus)) {
    return reject(
      'orderId',
      `order ${orderId} is ${target.orderStatus}; access keys are taken for orders ${KEYED_ORDER_STATUSES.join(', ')}`,
      true,
    );
  }
  const other = await tx.accessKeyItems.orderUsingKey(sellerId, accessKey, orderId);
  if (other !== undefined)
    return { outcome: 'rejected', conflict: true, problem: keyUsedByAnotherOrder(other) };
  if (!(await tx.accessKeyItems.setKey(sellerId, orderId, orderItemId, accessKey))) {
    return reject('accessKey', 'access key: the order item got another access key meanwhile', true);
  }
  return { outcome: 'applied' };
}
