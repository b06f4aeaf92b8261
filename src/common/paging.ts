/**
 * Paged lists, shaped like `@azure/core-paging`: `for await` over the items, or `.byPage()` over
 * whole pages. The service pages with `nextLink`, an absolute URL for the next page, which is also
 * what a page's continuation token is.
 */

/** Where paging starts and how big its pages are. */
export interface PageSettings {
  /** The `nextLink` of a page seen before: iteration resumes with the page after it. */
  continuationToken?: string;
  /** Items per page; the service's default when absent. */
  maxPageSize?: number;
}

/** An async iterator over items that can also walk the list a page at a time. */
export interface PagedAsyncIterableIterator<TElement, TPage = TElement[], TPageSettings = PageSettings> {
  next(): Promise<IteratorResult<TElement>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<TElement, TPage, TPageSettings>;
  /** Iterates whole pages; `settings.maxPageSize` overrides the page size for this walk. */
  byPage: (settings?: TPageSettings) => AsyncIterableIterator<TPage>;
}

/** One page as the service answers it. */
export interface WirePage<TWire> {
  value?: TWire[];
  nextLink?: string;
}

/** How to fetch pages of one list. */
export interface PagedListSource<TWire, TElement> {
  /** Fetches the first page with the given page size (undefined: the service's default). */
  firstPage(maxPageSize: number | undefined): Promise<WirePage<TWire>>;
  /** Fetches the page a `nextLink` names. */
  nextPage(nextLink: string): Promise<WirePage<TWire>>;
  /** Maps a wire item to the public model. */
  map(item: TWire): TElement;
  /** Page size when `byPage` is called without one. */
  maxPageSize?: number;
}

/**
 * Builds a {@link PagedAsyncIterableIterator} that follows `nextLink` until the service gives none.
 * Nothing is fetched until the first `next()`.
 */
export function createPagedIterator<TWire, TElement>(source: PagedListSource<TWire, TElement>): PagedAsyncIterableIterator<TElement> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<TElement[]> {
    const maxPageSize = settings.maxPageSize ?? source.maxPageSize;
    let page = settings.continuationToken ? await source.nextPage(settings.continuationToken) : await source.firstPage(maxPageSize);
    for (;;) {
      yield (page.value ?? []).map((item) => source.map(item));
      if (!page.nextLink) return;
      page = await source.nextPage(page.nextLink);
    }
  }

  async function* items(): AsyncIterableIterator<TElement> {
    for await (const page of pages()) yield* page;
  }

  const iterator = items();
  const paged: PagedAsyncIterableIterator<TElement> = {
    next: () => iterator.next(),
    [Symbol.asyncIterator]: () => paged,
    byPage: (settings?: PageSettings) => pages(settings),
  };
  return paged;
}

/** Checks a page size before any request: a whole number from 1 to `max`. */
export function checkMaxPageSize(maxPageSize: number | undefined, max: number): number | undefined {
  if (maxPageSize === undefined) return undefined;
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1 || maxPageSize > max) {
    throw new RangeError(`maxPageSize must be a whole number from 1 to ${max}.`);
  }
  return maxPageSize;
}
