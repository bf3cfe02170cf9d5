// quickjobs: {"interval": 10, "runOnce": true, "active": false, "description": "Example: fetches a JSON config once per boot and keeps it in core.data."}
// A Run Once job runs one interval after each boot; job.OK is its proper return. The fetched
// object is saved in the service's own data store, where other jobs read it with
// core.data('config').get({ name: 'app' }).
const CONFIG_URL = 'https://config.example.com/app.json';

const job = core.job();

job.run = async function () {
  const [remote, err, code] = await core.network.getJson(CONFIG_URL);
  if (err) {
    core.log.error(`could not fetch the config (${code}): ${err}`);
    return job.EXIT;
  }

  const config = core.data('config');
  const [current] = await config.get({ name: 'app' });
  // Saving with the stored _id replaces the object instead of adding a second one.
  const [id, saveErr] = await config.save({ ...remote, name: 'app', _id: current ? current._id : undefined });
  if (saveErr) {
    core.log.error('could not save the config:', saveErr);
    return job.EXIT;
  }

  core.log(`config saved as ${id}`);
  return job.OK;
};

return job;
