import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planOf } from './jobs.test-support.js';
import { Journal, type JournalRecord } from './journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snaptree-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (state: JournalRecord['state']): JournalRecord => ({
  id: 'j1',
  pid: process.pid,
  plan: planOf([]),
  state,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  endedAt: null,
  waitingFor: null,
  steps: [],
  progress: null,
  left: [],
  files: [],
  recovery: null,
});

describe('the journal', () => {
  it('reads a record again once it was rewritten, and forgets one that is gone (it keeps what it parsed, by file)', async () => {
    const journal = new Journal(dir);
    await journal.write(record('running'));
    expect((await journal.readAll()).records.map((read) => read.state)).toEqual(['running']);
    await journal.write(record('done'));
    expect((await journal.readAll()).records.map((read) => read.state)).toEqual(['done']);
    await rm(join(dir, 'j1.json'));
    expect((await journal.readAll()).records).toEqual([]);
  });

  it('takes two writes of one job at once: each whole, the last one kept, no draft left behind', async () => {
    const journal = new Journal(dir);
    await Promise.all([journal.write(record('running')), journal.write(record('done'))]);
    const { records, unreadable } = await journal.readAll();
    expect(unreadable).toEqual([]);
    expect(records.map((written) => written.state)).toEqual(['done']);
    expect(await readdir(dir)).toEqual(['j1.json']);
  });
});
