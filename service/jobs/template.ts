/** The code a new job starts with when none is given (SPEC §2). */
export const JOB_TEMPLATE = `const job = core.job();

job.run = async function () {
  //== Place your job code here

  return job.OK;
};

return job;
`;
