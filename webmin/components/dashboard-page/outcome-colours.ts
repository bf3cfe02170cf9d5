/** One colour per outcome, shared by the chart and its legend; each meets 3:1 against white. */
import type { EndedOutcome } from '../../api-types.js';

export const OUTCOME_COLOURS: Record<EndedOutcome, string> = {
  success: '#1a7f37',
  error: '#b42318',
  timeout: '#b35900',
  interrupted: '#6e7781',
  cancelled: '#8250df',
};

/** Bottom of the stack first. */
export const STACK_ORDER: readonly EndedOutcome[] = ['success', 'error', 'timeout', 'interrupted', 'cancelled'];
