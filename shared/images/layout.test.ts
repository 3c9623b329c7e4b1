import { describe, expect, it } from 'vitest';
import { say } from '../messages/problems.js';
import { layoutForest, missingId } from './layout.js';
import type { Image } from './model.js';

/** An image as the scanner reports it, with only what the layout reads filled in. */
function image(path: string, backing: string | null, options: { exists?: boolean; loop?: boolean } = {}): Image {
  const exists = options.exists ?? true;
  return {
    path,
    format: 'qcow2',
    virtualSize: 1,
    actualSize: 1,
    backing: backing === null ? null : { name: backing, path: backing, format: 'qcow2', exists, image: exists ? backing : null },
    snapshots: [],
    encrypted: false,
    corrupt: false,
    dirty: false,
    dataFile: null,
    problems: options.loop ? [{ code: 'backing-loop', ...say('image.backingLoop.self') }] : [],
    folder: '/vm',
    qcow2: null,
    usedBy: [],
  };
}

const at = (layout: ReturnType<typeof layoutForest>, id: string) => layout.placed.find((place) => place.id === id)!;

describe('the forest layout', () => {
  it('puts each base left of its overlays and gives branches their own rows', () => {
    const layout = layoutForest([image('/base', null), image('/a', '/base'), image('/b', '/base'), image('/a1', '/a')]);
    expect(at(layout, '/base').x).toBeLessThan(at(layout, '/a').x);
    expect(at(layout, '/a').x).toBeLessThan(at(layout, '/a1').x);
    expect(at(layout, '/a').y).not.toBe(at(layout, '/b').y);
    // The base sits between its branches.
    expect(at(layout, '/base').y).toBeGreaterThanOrEqual(Math.min(at(layout, '/a').y, at(layout, '/b').y));
    expect(at(layout, '/base').y).toBeLessThanOrEqual(Math.max(at(layout, '/a').y, at(layout, '/b').y));
    expect(layout.links).toEqual(expect.arrayContaining([{ from: '/base', to: '/a' }, { from: '/a', to: '/a1' }]));
  });

  it('draws a missing backing file as its own node, once for all its overlays', () => {
    const layout = layoutForest([image('/x', '/gone', { exists: false }), image('/y', '/gone', { exists: false })]);
    expect(layout.placed.filter((place) => place.id === missingId('/gone'))).toHaveLength(1);
    expect(layout.links).toEqual(expect.arrayContaining([{ from: missingId('/gone'), to: '/x' }, { from: missingId('/gone'), to: '/y' }]));
  });

  it('places every image of a loop exactly once', () => {
    const layout = layoutForest([image('/p', '/q', { loop: true }), image('/q', '/p', { loop: true })]);
    expect(layout.placed.map((place) => place.id).sort()).toEqual(['/p', '/q']);
  });

  it('lays out a chain 20,000 deep without running out of stack', () => {
    const chain = [image('/0', null), ...Array.from({ length: 20_000 }, (_, i) => image(`/${i + 1}`, `/${i}`))];
    const layout = layoutForest(chain);
    expect(layout.placed).toHaveLength(chain.length);
    expect(at(layout, '/20000').x).toBeGreaterThan(at(layout, '/19999').x);
  });
});
