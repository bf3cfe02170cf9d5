/** The script a new job starts with (SPEC §2). The service uses the same one when none is sent. */
export const JOB_TEMPLATE = `const job = core.job();

job.run = async function () {
  //== Place your job code here

  return job.OK;
};

return job;
`;
