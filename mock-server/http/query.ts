import { ServiceError } from './errors.js';

/** Query-string checks that answer 400 with the parameter's name. */
export function integerParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw ServiceError.validation(`The query parameter "${name}" must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** An ISO 8601 date-time parameter, as ms since the epoch. */
export function timeParam(url: URL, name: string): number {
  const text = url.searchParams.get(name);
  if (text === null || text === '') return 0;
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw ServiceError.validation(`The query parameter "${name}" must be an ISO 8601 date-time.`);
  return value;
}

/** The next page's link: this request's URL with the continuation set, absolute as ACS gives it. */
export function nextLink(url: URL, origin: string, continuation: string | undefined, param = 'continuationToken'): string | undefined {
  if (continuation === undefined) return undefined;
  const next = new URL(url.pathname + url.search, origin);
  next.searchParams.set(param, continuation);
  return next.href;
}
