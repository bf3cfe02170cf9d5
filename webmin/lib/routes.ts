/**
 * Hash routes, so the service only ever serves `/`:
 *   #/              jobs page
 *   #/new           new job form
 *   #/jobs/NAME     job form (settings)
 *   #/jobs/NAME/code  code editor
 *   #/secrets       secrets
 */
export type Route =
  | { page: 'jobs' }
  | { page: 'new' }
  | { page: 'job'; name: string }
  | { page: 'code'; name: string }
  | { page: 'secrets' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/new') return { page: 'new' };
  if (path === '/secrets') return { page: 'secrets' };
  const match = /^\/jobs\/([^/]+)(\/code)?$/.exec(path);
  if (match) {
    const name = decodeURIComponent(match[1]!);
    return match[2] ? { page: 'code', name } : { page: 'job', name };
  }
  return { page: 'jobs' };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'jobs':
      return '#/';
    case 'new':
      return '#/new';
    case 'job':
      return `#/jobs/${encodeURIComponent(route.name)}`;
    case 'code':
      return `#/jobs/${encodeURIComponent(route.name)}/code`;
    case 'secrets':
      return '#/secrets';
  }
}

export function navigate(route: Route): void {
  location.hash = href(route);
}
