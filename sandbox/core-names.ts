/**
 * The one list of what `core` offers a job: the results `job.run` may return and the I/O helper
 * families with the host calls each makes. The guest prelude, its lazy pieces, the host's routes and
 * the checks of a host call's name are all built from these constants; sandbox/core-api.d.ts is
 * held to them by a test. A new helper or result is added here, then implemented.
 */

/** What `job.run` may return. */
export const JOB_RESULTS = ['OK', 'SLEEP', 'STOP', 'EXIT'] as const;
export type JobResult = (typeof JOB_RESULTS)[number];

/**
 * `core.<family>` and the host calls it makes, `<family>.<method>`. A family not given its own guest
 * source in guest/families.ts passes its arguments straight through: `core.mysql.select(…)` calls
 * `mysql.select` with them.
 */
export const HELPER_FAMILIES = {
  mysql: ['query', 'select', 'selectOne', 'selectCount', 'insert', 'update', 'delete'],
  network: ['request', 'get', 'post', 'getJson', 'postJson'],
  email: ['send'],
  data: ['get', 'save', 'delete', 'getPage'],
  secret: ['get'],
} as const;
export type HelperFamily = keyof typeof HELPER_FAMILIES;
export type HelperMethod<F extends HelperFamily> = (typeof HELPER_FAMILIES)[F][number];

/** Every host call name the guest side of `core` may make. */
export type HostCallName = { [F in HelperFamily]: `${F}.${HelperMethod<F>}` }[HelperFamily];
export const HOST_CALLS: readonly HostCallName[] = Object.entries(HELPER_FAMILIES).flatMap(([family, methods]) =>
  methods.map((method) => `${family}.${method}` as HostCallName),
);
