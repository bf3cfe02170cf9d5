// quickjobs: {"interval": 60, "active": false, "description": "Example: job.OK runs again every interval."}
// job.OK keeps a job recurring: the next run is one interval after this run's slot, so the
// cadence never drifts. Activate it (set active) to watch it run once a minute.
const job = core.job();

job.run = async function () {
  core.log('working; returning job.OK, so I run again in', 60, 'seconds');

  return job.OK;
};

return job;
