/**
 * A cron expression in plain words, for the job form: "at 03:00, Monday to Friday", "every 15
 * minutes". Covers the common shapes; anything else is read field by field.
 */
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['', 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const isNumber = (field: string) => /^\d+$/.test(field);
const pad = (n: string) => n.padStart(2, '0');

function named(field: string, names: string[], offset: number): string {
  return field.toLowerCase().replace(/[a-z]{3}/g, (name) => String(names.indexOf(name) + offset));
}

/** "1-5" → "Monday to Friday", "1,3" → "Monday and Wednesday". */
function list(field: string, words: string[]): string {
  const parts = field.split(',').map((part) => {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) return `${words[Number(range[1])] ?? range[1]} to ${words[Number(range[2])] ?? range[2]}`;
    return words[Number(part)] ?? part;
  });
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

function every(field: string, unit: string): string | null {
  if (field === '*') return `every ${unit}`;
  const step = /^\*\/(\d+)$/.exec(field);
  if (step) return step[1] === '1' ? `every ${unit}` : `every ${step[1]} ${unit}s`;
  return null;
}

export function cronInWords(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return '';
  const [second, minute, hour, dom, month, dow] = fields.length === 6 ? fields : ['0', ...fields];
  const month2 = named(month!, MONTH_NAMES, 1);
  const dow2 = named(dow!, DAY_NAMES, 0);
  let time: string;
  if (second !== '0' && fields.length === 6) {
    time = every(second!, 'second') ?? `at second ${second}`;
    if (minute !== '*' || hour !== '*') time += ` of minute ${minute}, hour ${hour}`;
  } else if (isNumber(minute!) && isNumber(hour!)) {
    time = `at ${pad(hour!)}:${pad(minute!)}`;
  } else if (isNumber(minute!) && hour === '*') {
    time = `at minute ${minute} of every hour`;
  } else if (isNumber(minute!) && every(hour!, 'hour')) {
    time = `at minute ${minute}, ${every(hour!, 'hour')}`;
  } else if (every(minute!, 'minute') && hour === '*') {
    time = every(minute!, 'minute')!;
  } else {
    time = `at minute ${minute} past hour ${hour}`;
  }
  const days: string[] = [];
  if (dom !== '*' && dom !== '?') days.push(`on day ${list(dom!, [])} of the month`);
  if (dow2 !== '*' && dow2 !== '?') days.push(`on ${list(dow2, DAYS)}`);
  if (month2 !== '*') days.push(`in ${list(month2, MONTHS)}`);
  if (days.length === 0 && isNumber(minute!) && isNumber(hour!)) days.push('every day');
  return [time, ...days].join(', ');
}
