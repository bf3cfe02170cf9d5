// quickjobs: {"interval": 5, "runOnce": true, "description": "Says hello once, five seconds after the service boots."}
// A Run Once job: it runs one interval after each boot, then shows as once-done until the next
// boot. Harmless: it only writes a line to its run log. Delete this file to remove the job.
const job = core.job();

job.run = async function () {
  core.log(`hello from quickjobs: ${job.name} ran (${job.trigger}) on ${job.day()} at ${job.hour()}:${String(job.minute()).padStart(2, '0')} UTC`);

  return job.OK;
};

return job;
