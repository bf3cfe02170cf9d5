// quickjobs: {"interval": 600, "active": false, "description": "Example: marks red bikes out of stock when none are left."}
// A recurring job (job.OK keeps it on its interval). Reads one row, updates another when a
// condition holds. Expects a table like:
//   CREATE TABLE toys (id INT AUTO_INCREMENT PRIMARY KEY, type VARCHAR(64), stock INT,
//                      out_of_stock BOOLEAN NOT NULL DEFAULT FALSE);
const DB = 'products';
const TABLE = 'toys';

const job = core.job();

job.run = async function () {
  const [bikes, err] = await core.mysql.selectOne(DB, {
    tbl: TABLE,
    columns: ['id', 'stock'],
    where: { type: 'Red Bikes' },
  });
  if (err) {
    // A passing database hiccup should not stop the job: log it and try again next interval.
    core.log.warn('stock check failed:', err);
    return job.OK;
  }
  if (bikes === null) {
    core.log('no red bikes in the catalogue');
    return job.OK;
  }

  if (bikes.stock === 0) {
    const [updated, updateErr] = await core.mysql.update(DB, {
      tbl: TABLE,
      values: { out_of_stock: true },
      where: { id: bikes.id },
    });
    if (updateErr) core.log.error('could not mark red bikes out of stock:', updateErr);
    else core.log(`marked red bikes out of stock (${updated} row)`);
  }

  return job.OK;
};

return job;
