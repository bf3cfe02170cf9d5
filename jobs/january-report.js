// quickjobs: {"interval": 3600, "active": false, "description": "Example: emails the daily sales total during January, then stops."}
// Sleeps a day between reports in January; in any other month it returns job.STOP, so it stays
// off until the service is reloaded or restarted. Expects a table like:
//   CREATE TABLE status (id INT AUTO_INCREMENT PRIMARY KEY, month CHAR(3), sales_total DECIMAL(12,2));
// and QUICKJOBS_SMTP_URL set for the email.
const DB = 'shop';
const TABLE = 'status';
const REPORT_MONTH = 'Jan';
const REPORT_TO = 'boss@example.com';

const job = core.job();

job.run = async function () {
  if (job.month(true) !== REPORT_MONTH) {
    return job.STOP;
  }

  const [row, err] = await core.mysql.selectOne(DB, {
    tbl: TABLE,
    columns: ['sales_total'],
    where: { month: REPORT_MONTH },
  });
  if (err) {
    core.log.error('no sales figures:', err);
    return job.SLEEP;
  }

  const [info, mailErr, code] = await core.email
    .new()
    .to(REPORT_TO)
    .subject('January Daily')
    .text(`Sales today were: $${row ? row.sales_total : 0}`)
    .send();
  if (mailErr) core.log.error(`report not sent (${code}):`, mailErr);
  else core.log('report sent:', info.messageId);

  return job.SLEEP;
};

return job;
