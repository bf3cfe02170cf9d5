/**
 * Job state changes, for the live webmin (`GET /api/v1/events`). In-process only: each node tells
 * its own listeners.
 */
import { EventEmitter } from 'node:events';
import type { Job } from '../jobs/types.js';

export interface ServiceEventMap {
  job: [job: Job, running: boolean];
  'job-deleted': [name: string];
  status: [];
}

export class ServiceEvents extends EventEmitter<ServiceEventMap> {
  constructor() {
    super();
    // One listener per open webmin tab.
    this.setMaxListeners(0);
  }
}
