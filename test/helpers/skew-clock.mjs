// Preloaded into a service child process (NODE_OPTIONS=--import) to run it with a wall clock
// QUICKJOBS_TEST_CLOCK_SKEW_MS ahead (or behind, negative) of the machine's, as a node on another
// machine whose clock drifted would. Test code only: the service has no such setting.
const skew = Number(process.env.QUICKJOBS_TEST_CLOCK_SKEW_MS ?? 0);
if (skew !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(realNow() + skew);
      else super(...args);
    }
    static now() {
      return realNow() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}
