import { describe, expect, it } from 'vitest';
import { inRequestOrder } from './order';

describe('replies in request order', () => {
  it('a reply to an older request that comes after a newer one is not applied', () => {
    const request = inRequestOrder();
    const pageLoad = request();
    const click = request();
    expect(click()).toBe(true);
    expect(pageLoad()).toBe(false);
  });

  it('replies that come in the order they were asked are all applied', () => {
    const request = inRequestOrder();
    const first = request();
    const second = request();
    expect(first()).toBe(true);
    expect(second()).toBe(true);
    // An event, newest of all by the time it comes, is a request answered at once.
    expect(request()()).toBe(true);
  });
});
