/** One page of a list the service answers with, before it becomes a `nextLink`. */
export interface Page<T> {
  value: T[];
  /** Opaque continuation for the next page, absent on the last one. */
  continuation?: string;
}

/**
 * A page of rows read with `LIMIT maxPageSize + 1 OFFSET skip`: the one row past the page is how
 * it knows there is a next page, whose continuation is the next offset.
 */
export function offsetPage<T>(rows: readonly T[], options: { maxPageSize: number; skip: number }): Page<T> {
  const value = rows.slice(0, options.maxPageSize);
  return rows.length > options.maxPageSize ? { value, continuation: String(options.skip + options.maxPageSize) } : { value };
}
