/**
 * Hash routes, so the service only ever serves `/`:
 *   #/              dashboard (the landing page)
 *   #/jobs          jobs page
 *   #/runs?FILTERS  runs page (filters in the address, so a view can be shared)
 *   #/new           new job form
 *   #/jobs/NAME     job form (settings)
 *   #/jobs/NAME/code  code editor
 *   #/periods       periods: list and a new period's form
 *   #/periods/NAME  periods: list and that period's form
 *   #/secrets       secrets
 *   #/users, #/tokens, #/audit   users, API tokens, the audit trail
 *   #/password      the signed-in user's own password
 */
export type Route =
  | { page: 'dashboard' }
  | { page: 'runs'; query: string }
  | { page: 'jobs' }
  | { page: 'new' }
  | { page: 'job'; name: string }
  | { page: 'code'; name: string }
  | { page: 'periods'; name?: string | undefined }
  | { page: 'secrets' }
  | { page: 'users' }
  | { page: 'tokens' }
  | { page: 'audit' }
  | { page: 'password' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/new') return { page: 'new' };
  if (path === '/periods') return { page: 'periods' };
  const period = /^\/periods\/([^/]+)$/.exec(path);
  if (period) return { page: 'periods', name: decodeURIComponent(period[1]!) };
  if (path === '/jobs') return { page: 'jobs' };
  const runs = /^\/runs(?:\?(.*))?$/.exec(path);
  if (runs) return { page: 'runs', query: runs[1] ?? '' };
  if (path === '/secrets') return { page: 'secrets' };
  if (path === '/users' || path === '/tokens' || path === '/audit' || path === '/password') return { page: path.slice(1) as 'users' | 'tokens' | 'audit' | 'password' };
  const match = /^\/jobs\/([^/]+)(\/code)?$/.exec(path);
  if (match) {
    const name = decodeURIComponent(match[1]!);
    return match[2] ? { page: 'code', name } : { page: 'job', name };
  }
  return { page: 'dashboard' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'dashboard':
      return '#/';
    case 'runs':
      return route.query ? `#/runs?${route.query}` : '#/runs';
    case 'jobs':
      return '#/jobs';
    case 'new':
      return '#/new';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.name)}`;
    case 'code':
      return `#/jobs/${encodeURIComponent(route.name)}/code`;
    case 'periods':
      return route.name === undefined ? '#/periods' : `#/periods/${encodeURIComponent(route.name)}`;
    case 'secrets':
    case 'users':
    case 'tokens':
    case 'audit':
    case 'password':
      return `#/${route.page}`;
  }
}

export function navigate(route: Route): void {
  location.hash = href(route);
}
