// The page's routes live in the URL's fragment (#/…): a fragment never reaches a server, so a
// searched client address is not in any access log, and the page works under any path prefix.
import { useEffect, useState } from 'preact/hooks';

/** What the fragment asks for. */
export type Route =
  | { page: 'services' }
  | { page: 'service'; key: string }
  | { page: 'flows'; query: URLSearchParams };

/** Reads a fragment such as "#/service/shop%2Fapi%3Ahttp%2Ftcp" or "#/flows?client=…". */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'service' && parts[1] !== undefined) {
    return { page: 'service', key: decodeURIComponent(parts[1]) };
  }
  if (parts[0] === 'flows') return { page: 'flows', query: new URLSearchParams(search) };
  return { page: 'services' };
}

/** The fragment of a Service's page. */
export function serviceHref(key: string): string {
  return `#/service/${encodeURIComponent(key)}`;
}

/** The fragment of a flow search. */
export function flowsHref(query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return search === '' ? '#/flows' : `#/flows?${search}`;
}

/** The current route, following the fragment. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = (): void => {
      setRoute(parseRoute(location.hash));
    };
    addEventListener('hashchange', follow);
    return () => {
      removeEventListener('hashchange', follow);
    };
  }, []);
  return route;
}
