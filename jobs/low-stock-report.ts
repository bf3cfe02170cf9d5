// quickjobs: {"interval": 3600, "active": false, "description": "Example in TypeScript: logs the toys running low, lowest first."}
// A TypeScript job (the .ts file makes it one): stripped to JavaScript when it is saved, checked
// with `npx quickjobs check jobs/low-stock-report.ts`, its errors reported at these lines.
// Expects the table of stock-check.js.
const DB = 'products';
const LOW = 5;

interface Toy {
  id: number;
  type: string;
  stock: number;
}

function describeToy(toy: Toy): string {
  return `${toy.type} (${toy.stock} left)`;
}

const job = core.job();

job.run = async function (): Promise<QuickJobs.JobResult> {
  const [rows, err] = await core.mysql.select(DB, {
    tbl: 'toys',
    columns: ['id', 'type', 'stock'],
    orderby: { stock: 'asc' },
    limit: 20,
  });
  // `err !== null` narrows the tuple: after it, rows is an array.
  if (err !== null) {
    core.log.warn('stock query failed:', err);
    return job.OK;
  }
  const low = (rows as Toy[]).filter((toy) => toy.stock < LOW);
  core.log(low.length === 0 ? 'nothing is running low' : `running low: ${low.map(describeToy).join(', ')}`);
  return job.OK;
};

return job;
