// Preloaded into a service child process (NODE_OPTIONS=--import) to run it with a wall clock
// QUICKJOBS_TEST_CLOCK_SKEW_MS ahead (or behind, negative) of the machine's, as a node on another
// machine whose clock drifted would: in every thread, since a machine has one clock. Threads
// started from a file run this preload themselves; threads started from source text (the
// sandbox's, under tsx) get it prepended. Test code only: the service has no such setting.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const skew = Number(process.env.QUICKJOBS_TEST_CLOCK_SKEW_MS ?? 0);

function skewDate(by) {
  const RealDate = Date;
  const realNow = RealDate.now;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + by);
      else super(...args);
    }
    static now() {
      return realNow() + by;
    }
  }
  globalThis.Date = SkewedDate;
}

if (skew !== 0) {
  skewDate(skew);
  const threads = createRequire(import.meta.url)('node:worker_threads');
  const RealWorker = threads.Worker;
  threads.Worker = class extends RealWorker {
    constructor(source, options = {}) {
      super(options.eval ? `(${skewDate})(${skew});\n${source}` : source, options);
    }
  };
  syncBuiltinESMExports();
}
