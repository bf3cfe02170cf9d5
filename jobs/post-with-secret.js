// quickjobs: {"interval": 3600, "active": false, "description": "Posts an hourly heartbeat to a partner API with a key kept as a secret"}
// The API key lives in the Secrets page (name PARTNER_API_KEY), never in this code: run logs and
// errors show it as ***. Try it with Run draft first: the POST is held and shown, not sent.
const API_URL = 'https://partner.example.com/api/heartbeat';
const SECRET_NAME = 'PARTNER_API_KEY';

const job = core.job();

job.run = async function () {
  const [apiKey, err] = await core.secret(SECRET_NAME);
  if (err) {
    core.log.error(`set the secret ${SECRET_NAME} first: ${err}`);
    return job.EXIT;
  }
  const [res, postErr] = await core.network.postJson(API_URL, { at: new Date().toISOString() }, { authorization: `Bearer ${apiKey}` });
  if (postErr) {
    core.log.warn(`the partner API did not answer: ${postErr}`);
    return job.OK;
  }
  core.log(`partner answered ${res.status}`);
  return job.OK;
};

return job;
