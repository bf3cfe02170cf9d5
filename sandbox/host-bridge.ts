/**
 * The host half of a guest's host call, in the worker thread running the guest:
 * reads the arguments the guest sent as JSON, asks the service's `HostCall`, and turns whatever
 * comes back into the JSON of a `[result, err, code]` tuple. It never rejects: a failing host
 * becomes `[null, message, -1]`.
 */
import { ARGS_TOO_LARGE, MAX_GUEST_STRING_CHARS, MAX_HOST_ANSWER_BYTES } from './caps.js';
import { HOST_CALLS, type HostCall, type HostCallContext, type HostCallName, type HostTuple } from './types.js';

const HOST_CALL_NAMES: ReadonlySet<string> = new Set(HOST_CALLS);

/** The host of a pool given none. */
export const notAvailable: HostCall = async () => [null, 'not available', -1];

/** The tuple code of an answer too large to hand to a job (SPEC §3: 840). */
export const TOO_LARGE_CODE = 840;

function toJson(tuple: HostTuple): string {
  try {
    const json = JSON.stringify(tuple);
    if (json.length > MAX_HOST_ANSWER_BYTES || (json.length * 3 > MAX_HOST_ANSWER_BYTES && Buffer.byteLength(json) > MAX_HOST_ANSWER_BYTES)) {
      const mib = MAX_HOST_ANSWER_BYTES / (1024 * 1024);
      return JSON.stringify([null, `the result is larger than ${mib} MiB, the most a job may receive from one call`, TOO_LARGE_CODE]);
    }
    return json;
  } catch (error) {
    return JSON.stringify([null, `the result could not be passed to the job (${(error as Error).message})`, -1]);
  }
}

export async function answerHostCall(host: HostCall, name: string, argsJson: string, context: HostCallContext): Promise<string> {
  if (!HOST_CALL_NAMES.has(name)) return toJson([null, `unknown host call ${name}`, -1]);
  if (argsJson === ARGS_TOO_LARGE) {
    return toJson([null, `the arguments are longer than ${MAX_GUEST_STRING_CHARS} characters as JSON, the most a job may pass in one call`, TOO_LARGE_CODE]);
  }
  let args: unknown[];
  try {
    const parsed: unknown = JSON.parse(argsJson);
    args = Array.isArray(parsed) ? parsed : [];
  } catch {
    return toJson([null, 'the arguments could not be read', 801]);
  }
  try {
    const tuple: unknown = await host(name as HostCallName, args, context);
    return toJson(Array.isArray(tuple) && tuple.length === 3 ? (tuple as HostTuple) : [null, 'the host answered with a malformed tuple', -1]);
  } catch (error) {
    return toJson([null, error instanceof Error ? error.message : String(error), -1]);
  }
}
