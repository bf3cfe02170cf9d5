// quickjobs: {"interval": 30, "active": false, "description": "Example: job.STOP halts the job until the next reload or restart."}
// job.STOP keeps the job active but does not schedule it again until the service reloads (the
// Reload button) or restarts. Useful when a job notices it is not needed for now.
const job = core.job();

job.run = async function () {
  const [existing, err] = await core.data('examples').get('stop-demo');
  if (err) {
    core.log.error('could not read the marker:', err);
    return job.EXIT;
  }

  if (existing) {
    core.log('already done since', existing.at, '- stopping until the next reload');
    return job.STOP;
  }

  await core.data('examples').save({ _id: 'stop-demo', at: new Date().toISOString() });
  core.log('first run: saved a marker; running again in 30 s, then stopping');
  return job.OK;
};

return job;
