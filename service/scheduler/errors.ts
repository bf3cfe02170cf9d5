/** Domain errors of the scheduler; the HTTP layer maps them to status codes in one place. */
import { StoreUnavailableError } from '../store/errors.js';

export class AlreadyRunningError extends Error {
  override name = 'AlreadyRunningError';
  constructor(readonly jobName: string) {
    super(`job "${jobName}" is running; wait for the run to end`);
  }
}

/**
 * This node does not hold its place in the cluster (its heartbeat is too old, or another node
 * found it dead): it claims and starts nothing until it has joined again.
 */
export class NodeNotHoldingError extends StoreUnavailableError {
  override name = 'NodeNotHoldingError';
  constructor(job: string) {
    super(`this node does not hold its place in the cluster; job "${job}" was not started`, 'this node is not in the cluster right now');
  }
}
