// quickjobs: {"interval": 300, "active": false, "description": "Example: job.SLEEP skips to 24 hours after this run."}
// job.SLEEP pauses a job for a day: it runs again 24 hours after this run started, whatever its
// interval. Useful for "once a day, but only after some condition was met".
const job = core.job();

job.run = async function () {
  if (job.day(true) === 'Sat' || job.day(true) === 'Sun') {
    core.log('weekend: nothing to do; trying again every 5 minutes');
    return job.OK;
  }

  core.log('did the daily work; sleeping until this time tomorrow');
  return job.SLEEP;
};

return job;
