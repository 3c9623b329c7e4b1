import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from './core.js';
import { dispatch } from './dispatch.js';
import { LocalHost } from './host/local.js';
import { expectSaidInBoth } from './said.test-support.js';

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

  it('says each refusal by key and values, the English its template gives', async () => {
    const replies = [
      await dispatch(core, 'toolsCheck', { hostname: 'evil' }),
      await dispatch(core, 'toolsCheck', 'not an object'),
      await dispatch(core, 'connectionsAdd', { uri: 'qemu+ext:///system?command=/usr/bin/touch' }),
      await dispatch(core, 'connectionsAdd', { uri: 'qemu+ssh://kvm1/system?netcat=nc' }),
      await dispatch(core, 'rmRf', {}),
    ];
    const said = replies.map((reply) => (reply.ok ? null : reply.error));
    expect(said.map((error) => error?.key)).toEqual(['request.invalid.field', 'request.invalid.whole', 'request.invalid.said', 'request.invalid.said', 'request.unknown']);
    expect(said[2]?.message).toBe('Invalid argument for connectionsAdd (field uri): the ext transport runs a program named in the URI: use ssh, tls, tcp or unix');
    expectSaidInBoth(said.map((error) => ({ key: error!.key!, values: error!.values!, message: error!.message })));
  });

  it("says the core's refusals by key and values: a folder missing or a file, no folder dialog, no qemu-img for the demo", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snaptree-dispatch-'));
    const savedPath = process.env.PATH;
    try {
      writeFileSync(join(dir, 'disk.qcow2'), '');
      const replies = [
        await dispatch(core, 'foldersAdd', { path: join(dir, 'gone') }),
        await dispatch(core, 'foldersAdd', { path: join(dir, 'disk.qcow2') }),
        await dispatch(core, 'folderChoose', {}),
      ];
      process.env.PATH = dir;
      replies.push(await dispatch(core, 'demoCreate', {}));
      const said = replies.map((reply) => (reply.ok ? null : reply.error));
      expect(said.map((error) => error?.key)).toEqual(['request.refused.folderMissing', 'request.refused.folderIsFile', 'request.refused.noFolderDialog', 'request.refused.demoNeedsQemuImg']);
      expect(said[0]?.message).toBe(`${join(dir, 'gone')} does not exist.`);
      expectSaidInBoth(said.map((error) => ({ key: error!.key!, values: error!.values!, message: error!.message })));
    } finally {
      process.env.PATH = savedPath;
      rmSync(dir, { recursive: true, force: true });
    }
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
