// quickjobs: {"interval": 600, "active": false, "description": "Example: deactivates itself when its query fails."}
// job.EXIT marks the job inactive (status exit) until someone reactivates it in the webmin, which
// is the right answer to a failure that will not fix itself, like a missing table.
const DB = 'products';
const TABLE = 'toys';

const job = core.job();

job.run = async function () {
  const [blender, err, code] = await core.mysql.selectOne(DB, {
    tbl: TABLE,
    where: { type: 'blender' },
  });

  if (err) {
    core.log.error(`query failed (${code}): ${err}`);
    return job.EXIT;
  }

  core.log(blender ? `blender stock: ${blender.stock}` : 'no blender listed');
  return job.OK;
};

return job;
