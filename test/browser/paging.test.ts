import { expect } from '@esm-bundle/chai';
import { HttpPipeline } from '../../src/common/http.js';
import { type WirePage, checkMaxPageSize, createPagedIterator } from '../../src/common/paging.js';

/** A list of 5 numbers served in pages; records which pages were asked for. */
function numbers() {
  const requests: string[] = [];
  const all = [1, 2, 3, 4, 5];
  const page = (offset: number, size: number): WirePage<number> => {
    const value = all.slice(offset, offset + size);
    const next = offset + size;
    return next < all.length ? { value, nextLink: `https://service.example/list?offset=${next}&size=${size}` } : { value };
  };
  const iterator = (maxPageSize?: number) =>
    createPagedIterator<number, string>({
      maxPageSize,
      map: (item) => `#${item}`,
      firstPage: async (size) => {
        requests.push(`first ${size ?? 'default'}`);
        return page(0, size ?? 2);
      },
      nextPage: async (link) => {
        requests.push(link);
        const url = new URL(link);
        return page(Number(url.searchParams.get('offset')), Number(url.searchParams.get('size')));
      },
    });
  return { requests, iterator };
}

describe('createPagedIterator', () => {
  it('iterates every item across pages, following nextLink, and fetches nothing until asked', async () => {
    const { requests, iterator } = numbers();
    const items = iterator();
    expect(requests).to.deep.equal([]);
    const seen: string[] = [];
    for await (const item of items) seen.push(item);
    expect(seen).to.deep.equal(['#1', '#2', '#3', '#4', '#5']);
    expect(requests).to.deep.equal([
      'first default',
      'https://service.example/list?offset=2&size=2',
      'https://service.example/list?offset=4&size=2',
    ]);
  });

  it('walks pages with byPage({ maxPageSize }) and resumes from a continuation token', async () => {
    const { iterator } = numbers();
    const pages: string[][] = [];
    for await (const page of iterator().byPage({ maxPageSize: 3 })) pages.push(page);
    expect(pages).to.deep.equal([
      ['#1', '#2', '#3'],
      ['#4', '#5'],
    ]);
    const resumed: string[][] = [];
    for await (const page of iterator().byPage({ continuationToken: 'https://service.example/list?offset=3&size=1' })) resumed.push(page);
    expect(resumed).to.deep.equal([['#4'], ['#5']]);
  });

  it('checks page sizes', () => {
    expect(checkMaxPageSize(undefined, 200)).to.equal(undefined);
    expect(checkMaxPageSize(200, 200)).to.equal(200);
    expect(() => checkMaxPageSize(0, 200)).to.throw(RangeError);
    expect(() => checkMaxPageSize(1.5, 200)).to.throw(RangeError);
  });
});

describe('HttpPipeline with an absolute nextLink', () => {
  it("sends it to the endpoint's origin with its query, never to another host", async () => {
    const urls: string[] = [];
    const headers: Headers[] = [];
    const pipeline = new HttpPipeline('https://service.example/', '2025-03-15', async () => ({ authorization: 'Bearer t' }), {
      fetch: async (input, init) => {
        urls.push(String(input));
        headers.push(new Headers(init?.headers));
        return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    await pipeline.send({
      method: 'GET',
      path: 'https://service.example/chat/threads?continuationToken=5&maxPageSize=2&api-version=2025-03-15',
    });
    await pipeline.send({ method: 'GET', path: 'https://elsewhere.example:8443/chat/threads?continuationToken=7' });
    await pipeline.send({ method: 'PATCH', path: 'chat/threads/x', body: {}, headers: { 'Content-Type': 'application/merge-patch+json' } });
    expect(urls).to.deep.equal([
      'https://service.example/chat/threads?continuationToken=5&maxPageSize=2&api-version=2025-03-15',
      'https://service.example/chat/threads?continuationToken=7&api-version=2025-03-15',
      'https://service.example/chat/threads/x?api-version=2025-03-15',
    ]);
    expect(headers[2]!.get('content-type')).to.equal('application/merge-patch+json');
  });
});
