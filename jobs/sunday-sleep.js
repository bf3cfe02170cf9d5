// quickjobs: {"interval": 3600, "active": false, "description": "Example: stops special sales on Sundays, checking once a day."}
// job.SLEEP runs the job again 24 hours after this run, so a day-level check costs one run a day.
// Expects a table like:
//   CREATE TABLE status (id INT AUTO_INCREMENT PRIMARY KEY, no_specials BOOLEAN NOT NULL DEFAULT FALSE);
const DB = 'shop';
const TABLE = 'status';

const job = core.job();

job.run = async function () {
  // job.day(true) is the service's time zone (QUICKJOBS_TZ); job.day() would be UTC.
  if (job.day(true) === 'Sun') {
    const [changed, err] = await core.mysql.update(DB, {
      tbl: TABLE,
      values: { no_specials: true },
      where: { no_specials: false },
    });
    if (err) core.log.error('could not stop the specials:', err);
    else core.log(`specials stopped (${changed} rows)`);
  }

  return job.SLEEP;
};

return job;
