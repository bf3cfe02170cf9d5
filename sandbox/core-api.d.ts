/**
 * The API a quickjobs job sees: the global `core`, the job object from `core.job()` and `console`.
 * Written once, used by the browser editor (completions, hovers, error marks) and by
 * docs/JOBS-API.md. Ambient declarations only; the types live in the `QuickJobs` namespace so they
 * never collide with a job's own names.
 *
 * Every helper that does I/O resolves to a tuple `[result, err, code]`: `[result, null, null]` on
 * success, `[null, message, code]` on failure. Helpers never throw for an operational failure.
 */

declare namespace QuickJobs {
  /** What `job.run` must return. */
  type JobResult = 'OK' | 'SLEEP' | 'STOP' | 'EXIT';

  /** Why this run started. */
  type Trigger = 'schedule' | 'manual' | 'boot' | 'draft';

  /**
   * The error codes a helper answers with, by name. Only the numbers reach a job: compare
   * `code === 902`.
   */
  interface ErrorCodes {
    /** Unknown failure (a bug in the service, or the helper is not available). */
    UNKNOWN: -1;
    /** The email was not sent: the SMTP server refused it or could not be reached. */
    EMAIL_NOT_SENT: 701;
    /** Email is not configured: QUICKJOBS_SMTP_URL is not set. */
    EMAIL_NOT_CONFIGURED: 702;
    /** An address (to, cc, bcc, from, replyTo) is not a valid email address. */
    BAD_ADDRESS: 704;
    /** An argument has the wrong type or shape. */
    WRONG_TYPE: 801;
    /** A required argument is missing. */
    MISSING_ARGUMENT: 804;
    /** Network error, timeout, response too large, or a blocked address. */
    NETWORK: 815;
    /** The service's data store failed. */
    IO: 820;
    /** The response is not JSON. */
    JSON_DECODE: 830;
    /** The database is not in QUICKJOBS_MYSQL_DATABASES. */
    DATABASE_NOT_ALLOWED: 901;
    /** The database refused the statement or the connection, or did not answer in time. */
    DATABASE: 902;
  }

  /** One of the numbers of `ErrorCodes`. */
  type ErrorCode = ErrorCodes[keyof ErrorCodes];

  /**
   * What every I/O helper resolves to: `[result, null, null]` on success, `[null, message, code]`
   * on failure.
   * @example
   * const [rows, err, code] = await core.mysql.select('shop', { tbl: 'orders' });
   * if (err) { core.log.error(code, err); return job.EXIT; }
   */
  type Tuple<T> = [result: T, err: null, code: null] | [result: null, err: string, code: ErrorCode];

  /** A database row: column names to values (DATETIME as "YYYY-MM-DD HH:MM:SS", DECIMAL and big BIGINT as strings). */
  interface Row {
    [column: string]: any;
  }

  /** A value a statement can bind. */
  type SqlValue = string | number | boolean | null;

  /**
   * Which rows: an object ANDs its fields (`{a: 1, b: 2}`), an array value means IN
   * (`{kind: ['Truck', 'Car']}`), `null` means IS NULL; or a raw SQL condition without the word
   * WHERE (`"score > 10"`), written by you and never built from untrusted input.
   */
  type Where = { [column: string]: SqlValue | SqlValue[] } | string;

  /** `"name"`, `"name DESC"`, `"name ASC, id DESC"`, or `{name: 'asc', id: 'desc'}`. */
  type OrderBy = string | { [column: string]: 'asc' | 'desc' | 'ASC' | 'DESC' };

  interface SelectOptions {
    /** The table. */
    tbl: string;
    /** Columns to read; all when absent. */
    columns?: string[] | string;
    where?: Where;
    orderby?: OrderBy;
    /** `n` rows, or `[offset, n]`: `[5, 10]` is rows 6 to 15. */
    limit?: number | [offset: number, count: number];
    /** SELECT DISTINCT. */
    distinct?: boolean;
  }

  interface SelectOneOptions {
    tbl: string;
    /** Required: which row. */
    where: Where;
    columns?: string[] | string;
  }

  interface CountOptions {
    tbl: string;
    where?: Where;
  }

  interface InsertOptions {
    tbl: string;
    /** Column names to values. */
    values: { [column: string]: SqlValue };
  }

  interface UpdateOptions {
    tbl: string;
    values: { [column: string]: SqlValue };
    /** Without it, every row is updated. */
    where?: Where;
  }

  interface DeleteOptions {
    tbl: string;
    where?: Where;
    /** Required to delete every row (no `where`). */
    force?: boolean;
  }

  /**
   * `core.mysql`: databases on the server of QUICKJOBS_MYSQL_URL. `db` names the database;
   * QUICKJOBS_MYSQL_DATABASES may limit which ones (others answer 901). Table and column names are
   * escaped and values always bound. Errors: 801, 804, 901, 902.
   */
  interface Mysql {
    /**
     * Runs one SQL statement with `?` placeholders bound to `params` (a list binds as `IN (?)`).
     * SELECT resolves to rows, INSERT to the insert id, UPDATE and DELETE to the affected rows.
     * @example
     * const [rows, err] = await core.mysql.query('shop', 'SELECT id, total FROM orders WHERE total > ? LIMIT 10', [100]);
     */
    query(db: string, sql: string, params?: Array<SqlValue | SqlValue[]>): Promise<Tuple<any>>;
    /**
     * Reads rows (`[]` when none match).
     * @example
     * const [rows, err] = await core.mysql.select('products', { tbl: 'toys', columns: ['id', 'type'], where: { stock: 0 }, orderby: { type: 'asc' }, limit: 20 });
     */
    select(db: string, options: SelectOptions): Promise<Tuple<Row[]>>;
    /**
     * Reads one row, or `null` when none match.
     * @example
     * const [bikes, err] = await core.mysql.selectOne('products', { tbl: 'toys', columns: ['id', 'stock'], where: { type: 'Red Bikes' } });
     */
    selectOne(db: string, options: SelectOneOptions): Promise<Tuple<Row | null>>;
    /**
     * Counts rows.
     * @example
     * const [n, err] = await core.mysql.selectCount('shop', { tbl: 'orders', where: { status: 'open' } });
     */
    selectCount(db: string, options: CountOptions): Promise<Tuple<number>>;
    /**
     * Inserts one row and resolves to its id.
     * @example
     * const [id, err] = await core.mysql.insert('shop', { tbl: 'orders', values: { total: 25, status: 'open' } });
     */
    insert(db: string, options: InsertOptions): Promise<Tuple<number>>;
    /**
     * Updates rows and resolves to how many changed.
     * @example
     * const [n, err] = await core.mysql.update('products', { tbl: 'toys', values: { out_of_stock: true }, where: { id: 7 } });
     */
    update(db: string, options: UpdateOptions): Promise<Tuple<number>>;
    /**
     * Deletes rows and resolves to how many went. Without `where` it needs `force: true` (else 804).
     * @example
     * const [n, err] = await core.mysql.delete('shop', { tbl: 'sessions', where: 'expires < NOW()' });
     */
    delete(db: string, options: DeleteOptions): Promise<Tuple<number>>;
  }

  /** What `send()` resolves to. */
  interface EmailInfo {
    /** The Message-ID header. */
    messageId: string;
    /** Recipients the server took. */
    accepted: string[];
    /** Recipients the server refused (the others still get the message). */
    rejected: string[];
  }

  /**
   * A message under construction: every method but `send` returns the message, so calls chain.
   * Addresses are `"a@example.com"` or `"Name <a@example.com>"`.
   */
  interface EmailMessage {
    /** Adds recipients. */
    to(address: string | string[]): EmailMessage;
    /** Adds copy recipients. */
    cc(address: string | string[]): EmailMessage;
    /** Adds hidden recipients. */
    bcc(address: string | string[]): EmailMessage;
    /** The sender; QUICKJOBS_MAIL_FROM when not set. */
    from(address: string): EmailMessage;
    replyTo(address: string): EmailMessage;
    /** Defaults to "(no subject)". */
    subject(text: string): EmailMessage;
    /** The plain-text body. */
    text(text: string): EmailMessage;
    /** The HTML body. */
    html(html: string): EmailMessage;
    /** The same as `text`. */
    body(text: string): EmailMessage;
    /**
     * Sends the message over QUICKJOBS_SMTP_URL. Errors: 701 not sent, 702 not configured,
     * 704 bad address, 804 no recipient or no sender, 801 wrong types.
     * @example
     * const [info, err, code] = await core.email.new().to('boss@example.com').subject('Report').text('All good').send();
     */
    send(): Promise<Tuple<EmailInfo>>;
  }

  /** `core.email`. */
  interface Email {
    /**
     * Starts a new message.
     * @example
     * const [info, err] = await core.email.new().to(['a@example.com', 'b@example.com']).subject('Hi').html('<b>Hello</b>').send();
     */
    'new'(): EmailMessage;
  }

  /** An HTTP response. Any status is a result, not an error: check `status`. */
  interface HttpResponse {
    status: number;
    /** Header names in lower case; `set-cookie` is a list. */
    headers: { [name: string]: string | string[] | undefined };
    /** The body as text (UTF-8). */
    body: string;
  }

  interface RequestOptions {
    /** GET, POST, PUT, PATCH, DELETE, HEAD… */
    method: string;
    headers?: { [name: string]: string | number };
    body?: string;
    /** Seconds before the request fails with 815; default QUICKJOBS_NETWORK_TIMEOUT (10). */
    timeout?: number;
  }

  /**
   * `core.network`: HTTP and HTTPS requests. Loopback, private, link-local, CGNAT and cloud
   * metadata addresses are refused (also after DNS and on every redirect) unless
   * QUICKJOBS_NETWORK_ALLOW names them. Up to 5 redirects are followed. Errors: 801, 804, 815, 830.
   */
  interface Network {
    /**
     * Any request.
     * @example
     * const [res, err] = await core.network.request('https://api.example.com/items/7', { method: 'DELETE', headers: { authorization: 'Bearer …' }, timeout: 5 });
     */
    request(url: string, options: RequestOptions): Promise<Tuple<HttpResponse>>;
    /**
     * A GET request.
     * @example
     * const [res, err] = await core.network.get('https://example.com/status');
     * if (!err && res.status === 200) core.log(res.body);
     */
    get(url: string, headers?: { [name: string]: string | number }): Promise<Tuple<HttpResponse>>;
    /**
     * A POST with a text body (set its content-type in `headers`).
     * @example
     * const [res, err] = await core.network.post('https://example.com/form', 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
     */
    post(url: string, body: string, headers?: { [name: string]: string | number }): Promise<Tuple<HttpResponse>>;
    /**
     * A GET whose body is decoded as JSON. A status outside 200-299 is 815; a body that is not JSON, 830.
     * @example
     * const [config, err, code] = await core.network.getJson('https://config.example.com/app.json');
     */
    getJson(url: string, headers?: { [name: string]: string | number }): Promise<Tuple<any>>;
    /**
     * A POST of `value` encoded as JSON (content-type application/json).
     * @example
     * const [res, err] = await core.network.postJson('https://hooks.example.com/notify', { job: job.name, ok: true });
     */
    postJson(url: string, value: unknown, headers?: { [name: string]: string | number }): Promise<Tuple<HttpResponse>>;
  }

  /** An object kept by `core.data`; `_id` is its id, set by `save`. */
  interface DataObject {
    _id: string;
    [field: string]: any;
  }

  /** Objects whose fields equal these values; dotted names reach into nested objects (`'address.city'`). */
  interface DataQuery {
    [field: string]: unknown;
  }

  /**
   * A named collection of JSON objects kept by the service (`core.data('config')`). Source names
   * are 1-64 letters, digits, `_`, `.` or `-`. Errors: 801, 804, 820.
   */
  interface DataSource {
    /**
     * One object by id, or the first matching a query; `null` when there is none.
     * @example
     * const [obj, err] = await core.data('config').get({ name: 'app' });
     */
    get(idOrQuery: string | DataQuery): Promise<Tuple<DataObject | null>>;
    /**
     * Creates the object (no `_id`) or replaces the stored one (with `_id`); resolves to the id and
     * sets `obj._id`.
     * @example
     * const [id, err] = await core.data('users').save({ name: 'Ada', visits: 1 });
     */
    save(obj: { [field: string]: unknown }): Promise<Tuple<string>>;
    /**
     * Deletes by id or by object (its `_id`); resolves to whether there was one.
     * @example
     * const [deleted, err] = await core.data('users').delete(user);
     */
    delete(idOrObj: string | { _id: string }): Promise<Tuple<boolean>>;
    /**
     * One page of objects (page 1 first; `perPage` 1-1000, default 20), in creation order or
     * sorted by a field (`'name'` ascending, or `{ name: 'desc' }`), optionally filtered.
     * @example
     * const [users, err] = await core.data('users').getPage(1, 50, { visits: 'desc' }, { active: true });
     */
    getPage(
      page: number,
      perPage?: number,
      sort?: string | { [field: string]: 'asc' | 'desc' } | null,
      query?: DataQuery,
    ): Promise<Tuple<DataObject[]>>;
  }

  /** `core.log`: writes values to the run log, joined by spaces, objects as JSON. */
  interface Log {
    /**
     * Writes an info line.
     * @example
     * core.log('found', rows.length, 'rows', { first: rows[0] });
     */
    (...values: unknown[]): void;
    /** Writes an info line. */
    info(...values: unknown[]): void;
    /**
     * Writes a warning line.
     * @example
     * core.log.warn('retrying later:', err);
     */
    warn(...values: unknown[]): void;
    /**
     * Writes an error line.
     * @example
     * core.log.error('query failed', code, err);
     */
    error(...values: unknown[]): void;
  }

  /**
   * The job object: set `run`, then `return job` at the end of the script.
   * @example
   * const job = core.job();
   * job.run = async function () {
   *   return job.OK;
   * };
   * return job;
   */
  /** A job's parameters by name; the editor adds the names of the job being edited. */
  interface JobParams {
    readonly [name: string]: unknown;
  }

  interface Job {
    /** Runs again on the next interval or cron slot. */
    readonly OK: 'OK';
    /** Runs again 24 hours after this run started. */
    readonly SLEEP: 'SLEEP';
    /** Does not run again until the service reloads or restarts (stays active). */
    readonly STOP: 'STOP';
    /** Deactivates the job until someone reactivates it. */
    readonly EXIT: 'EXIT';
    /**
     * The job's work; sync or async. Must return `job.OK`, `job.SLEEP`, `job.STOP` or `job.EXIT`:
     * anything else, or a throw, is an error that deactivates the job.
     */
    run: (() => JobResult | Promise<JobResult>) | undefined;
    /** The job's name. */
    readonly name: string;
    /** Why this run started: `"schedule"`, `"manual"` or `"boot"`. */
    readonly trigger: Trigger;
    /** ISO 8601 time of the previous run, or `null` on the first. */
    readonly lastRunAt: string | null;
    /**
     * The job's parameters, set with the job (SPEC §13): dates resolved when the run started, in
     * the job's zone; `{"$secret": name}` replaced by the secret's value. Deep-frozen: read-only.
     * @example
     * const [res] = await core.network.get(job.params.url);
     */
    readonly params: JobParams;
    /**
     * The minute, 0-59. `localTime`: true for the service time zone (QUICKJOBS_TZ); default UTC.
     * @example
     * if (job.minute() === 0) core.log('top of the hour');
     */
    minute(localTime?: boolean): number;
    /**
     * The hour, 0-23.
     * @example
     * if (job.hour(true) < 6) return job.OK; // nothing to do at night, local time
     */
    hour(localTime?: boolean): number;
    /**
     * The weekday: `"Mon"` `"Tue"` `"Wed"` `"Thu"` `"Fri"` `"Sat"` `"Sun"`.
     * @example
     * if (job.day() === 'Fri') core.log('Friday work');
     */
    day(localTime?: boolean): 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';
    /**
     * The weekday as a number, 1-7, Monday 1.
     * @example
     * if (job.dayNum() >= 6) return job.SLEEP; // weekend
     */
    dayNum(localTime?: boolean): number;
    /**
     * The day of the month, 1-31.
     * @example
     * if (job.dayMonth() === 1) core.log('first of the month');
     */
    dayMonth(localTime?: boolean): number;
    /**
     * The week of the year, 0-53; week 1 starts on the year's first Monday.
     * @example
     * if (job.weekNum() % 2 === 0) core.log('even week');
     */
    weekNum(localTime?: boolean): number;
    /**
     * The month: `"Jan"` … `"Dec"`.
     * @example
     * if (job.month() !== 'Jan') return job.STOP;
     */
    month(localTime?: boolean): 'Jan' | 'Feb' | 'Mar' | 'Apr' | 'May' | 'Jun' | 'Jul' | 'Aug' | 'Sep' | 'Oct' | 'Nov' | 'Dec';
    /**
     * The month as a number, 1-12.
     * @example
     * const quarter = Math.ceil(job.monthNum() / 3);
     */
    monthNum(localTime?: boolean): number;
  }

  interface Core {
    /**
     * A new job object: the constants, facts and time helpers of this run.
     * @example
     * const job = core.job();
     */
    job(): Job;
    /** Writes to the run log; also `core.log.warn` and `core.log.error`. */
    log: Log;
    /**
     * Resolves after `seconds` (counted in the run's timeout).
     * @example
     * await core.sleep(2);
     */
    sleep(seconds: number): Promise<void>;
    /**
     * A random UUID (version 4).
     * @example
     * const id = core.uuid();
     */
    uuid(): string;
    /** MySQL / MariaDB queries and EZ methods. */
    mysql: Mysql;
    /** Email over SMTP. */
    email: Email;
    /** HTTP and HTTPS requests. */
    network: Network;
    /**
     * A named collection of JSON objects kept by the service.
     * @example
     * const config = core.data('config');
     * const [id, err] = await config.save({ name: 'app', theme: 'dark' });
     */
    data(source: string): DataSource;
    /**
     * A secret set in the webmin or with `PUT /api/v1/secrets/:name`: resolves to its value.
     * Kept out of the code; wherever the value shows up in the run's log, error or held output it
     * reads `***`. Codes: `804` no such secret, `801` not a name, `820` the store failed.
     * @example
     * const [apiKey, err] = await core.secret('WEATHER_API_KEY');
     * if (err) return job.EXIT;
     */
    secret: SecretHelper;
  }

  interface SecretHelper {
    /** The value of secret `name`. */
    (name: string): Promise<Tuple<string>>;
    /** The same as `core.secret(name)`. */
    get(name: string): Promise<Tuple<string>>;
  }
}

/** The quickjobs API: the job object, logging, and the I/O helpers. */
declare const core: QuickJobs.Core;

/** `console.log/info/debug` write info lines to the run log, `warn` and `error` warning and error lines. */
interface Console {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  debug(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
}
declare var console: Console;
