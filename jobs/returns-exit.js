// quickjobs: {"interval": 60, "active": false, "description": "Example: job.EXIT deactivates the job until someone reactivates it."}
// job.EXIT turns the job off (active becomes false). It is the clean way to say "this must not
// run again until a person looks at it" - for example when a helper reports a failure.
const job = core.job();

job.run = async function () {
  const [response, err, code] = await core.network.get('https://example.com/');
  if (err) {
    core.log.error(`request failed (${code}): ${err} - deactivating`);
    return job.EXIT;
  }

  core.log('example.com answered', response.status);
  return job.OK;
};

return job;
