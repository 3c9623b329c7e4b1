import { describe, expect, it } from 'vitest';
import { createCore } from './core.js';
import { dispatch } from './dispatch.js';
import { LocalHost } from './host/local.js';

const core = createCore(new LocalHost(), { mode: 'cli', configDir: '/nonexistent/snaptree-dispatch-test' });

describe('dispatch validates every request against the contract', () => {
  it('refuses an argument with an unexpected field, naming it, and runs nothing', async () => {
    const reply = await dispatch(core, 'toolsCheck', { hostname: 'evil' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.kind).toBe('validation');
    expect(reply.error.field).toBe('hostname');
    expect(reply.error.message).toContain('hostname');
  });

  it('refuses an argument of the wrong type', async () => {
    const reply = await dispatch(core, 'toolsCheck', 'not an object');
    expect(reply).toMatchObject({ ok: false, error: { kind: 'validation' } });
  });

  it('refuses a libvirt URI that would run a program, saying why, and remembers nothing', async () => {
    const reply = await dispatch(core, 'connectionsAdd', { uri: 'qemu+ext:///system?command=/usr/bin/touch' });
    expect(reply).toMatchObject({ ok: false, error: { kind: 'validation', field: 'uri', message: expect.stringContaining('ext transport') } });
  });

  it('refuses a request the contract does not have', async () => {
    for (const name of ['rmRf', '__proto__', 'constructor', 42]) {
      const reply = await dispatch(core, name, {});
      expect(reply).toMatchObject({ ok: false, error: { kind: 'unknown-request' } });
    }
  });

  it('keeps serving after bad requests', async () => {
    await dispatch(core, 'toolsCheck', { bogus: true });
    const reply = await dispatch(core, 'toolsCheck', {});
    expect(reply.ok).toBe(true);
  });

  it('pushes an event to listeners when a request changes what they show', async () => {
    const seen: string[] = [];
    const stop = core.onEvent((name) => seen.push(name));
    await dispatch(core, 'toolsCheck', {});
    stop();
    await dispatch(core, 'toolsCheck', {});
    expect(seen).toEqual(['toolsChecked']);
  });
});
