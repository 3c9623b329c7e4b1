/**
 * The define step's edits on `virsh dumpxml --inactive` output captured from libvirt 9.0
 * (temporary folders renamed /srv/vm/web): a domain with a readonly second disk, a cdrom
 * and two NICs after a live external snapshot (libvirt wrote its `<backingStore>` into the
 * persistent XML), and one with a tab, a CR, quotes, `&`, `$(…)` and CJK in its title,
 * description and disk path, and namespaced `<metadata>`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectSaidInBoth } from '../../electron/core/said.test-support.js';
import { editDomainXml, snapshotDomainXml, type DomainXmlEdit } from './domain-xml.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const source = fixture('dumpxml-inactive-clone-source.xml');
const odd = fixture('dumpxml-inactive-odd-text.xml');
const web = { uuid: '1aae94c1-846c-4cb2-9fb7-2719fe31a20f', name: 'snaptree-capture-web' };
const oddDomain = { uuid: '9ccacbee-9b46-4990-96b2-eb474d237252', name: 'snaptree-capture-odd' };

/**
 * libvirt's XML as the edit writes it back when nothing else changed: attributes in double
 * quotes (libvirt writes every `'` and `"` inside a value as an entity, so only the quotes
 * around values change), a raw CR read as LF, as every XML parser reads it (libvirt's too),
 * and one newline at the end where virsh prints a blank line.
 */
const rewritten = (xml: string): string => `${xml.replaceAll("'", '"').replace(/\r\n?/g, '\n').trimEnd()}\n`;

function xmlOf(edit: DomainXmlEdit): string {
  if ('refused' in edit) throw new Error(edit.refused.message);
  return edit.xml;
}

function refusalOf(edit: DomainXmlEdit) {
  if (!('refused' in edit)) throw new Error('the edit was made');
  expectSaidInBoth([edit.refused]);
  return edit.refused;
}

describe('a linked clone of a domain', () => {
  it('has the new name, no UUID, no MAC addresses, its disk on the new overlay, and everything else as it was', () => {
    const edited = xmlOf(editDomainXml(source, web, { kind: 'clone', name: 'web clone', disks: { vda: '/srv/vm/web/clone.qcow2' } }));
    const expected = rewritten(source)
      .replace('<name>snaptree-capture-web</name>', '<name>web clone</name>')
      .replace(`\n  <uuid>${web.uuid}</uuid>`, '')
      .replace(/\n {6}<mac address="[^"]+"\/>/g, '')
      .replace('<source file="/srv/vm/web/web.s1.qcow2"/>', '<source file="/srv/vm/web/clone.qcow2"/>')
      .replace(/\n {6}<backingStore type="file">[^]*?\n {6}<\/backingStore>/, '');
    expect(edited).toBe(expected);
  });

  it('keeps a hostile name and path exactly, escaped as XML', () => {
    const name = `-x 'q' "d" $(rm -rf ~) & <b> 名前`;
    const path = `/srv/vm/web/it's "x" & $(y) <z>\n名.qcow2`;
    const edited = xmlOf(editDomainXml(source, web, { kind: 'clone', name, disks: { vda: path } }));
    expect(edited).toContain('<name>-x &apos;q&apos; &quot;d&quot; $(rm -rf ~) &amp; &lt;b&gt; 名前</name>');
    // Read back as libvirt reads it: the same name and path.
    const again = xmlOf(editDomainXml(edited.replace('<name>', `<uuid>${web.uuid}</uuid><name>`), web, { kind: 'switch-disk', target: 'vda', path, format: 'qcow2' }));
    expect(again).toContain(`<source file="/srv/vm/web/it&apos;s &quot;x&quot; &amp; $(y) &lt;z&gt;\n名.qcow2"/>`);
  });

  it('is refused when the source keeps its UEFI variables in a file the clone would share', () => {
    const uefi = source.replace('<boot dev=', "<nvram template='/usr/share/OVMF/OVMF_VARS.fd'>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram>\n    <boot dev=");
    const refused = refusalOf(editDomainXml(uefi, web, { kind: 'clone', name: 'c', disks: { vda: '/srv/vm/c.qcow2' } }));
    expect(refused.message).toContain('keeps its UEFI variables in /var/lib/libvirt/qemu/nvram/web_VARS.fd');
  });

  it('is refused when the source has a TPM', () => {
    const tpm = source.replace('<memballoon', "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm>\n    <memballoon");
    expect(refusalOf(editDomainXml(tpm, web, { kind: 'clone', name: 'c', disks: { vda: '/srv/vm/c.qcow2' } })).key).toBe('define.clone.tpm');
  });

  it('is refused when a writable disk would be shared by both domains, not for readonly ones or an empty cdrom', () => {
    const writable = source.replace("<target dev='vdb' bus='virtio'/>\n      <readonly/>", "<target dev='vdb' bus='virtio'/>");
    const refused = refusalOf(editDomainXml(writable, web, { kind: 'clone', name: 'c', disks: { vda: '/srv/vm/c.qcow2' } }));
    expect(refused.message).toBe('Disk vdb of domain snaptree-capture-web is writable and not part of the clone: both domains would write into /srv/vm/web/data.img. Make the disk read-only or shareable, or remove it, before cloning.');
    expect(xmlOf(editDomainXml(writable, web, { kind: 'clone', name: 'c', disks: { vda: '/srv/vm/c.qcow2', vdb: '/srv/vm/c-data.qcow2' } }))).toContain('<source file="/srv/vm/c-data.qcow2"/>');
  });

  it('is refused for a disk the domain no longer has', () => {
    expect(refusalOf(editDomainXml(source, web, { kind: 'clone', name: 'c', disks: { vdz: '/srv/vm/c.qcow2' } })).key).toBe('define.noDisk');
  });
});

describe('a disk switched to a converted file', () => {
  it('names the new file and format, drops the old chain, and keeps every other byte of text', () => {
    const edited = xmlOf(editDomainXml(odd, oddDomain, { kind: 'switch-disk', target: 'vda', path: '/srv/vm/web/converted.qcow2', format: 'qcow2' }));
    expect(edited).toBe(rewritten(odd).replace(/<source file="[^"]+"\/>/, '<source file="/srv/vm/web/converted.qcow2"/>'));
    expect(edited).toContain('<description>line1\nline2 \n tab\tend &amp; &apos;q&apos; &quot;d&quot; 名前 $(x)</description>');
  });

  it('turns a raw disk into qcow2 and a block device into a file', () => {
    const edited = xmlOf(editDomainXml(source, web, { kind: 'switch-disk', target: 'vdb', path: '/srv/vm/web/data.qcow2', format: 'qcow2' }));
    expect(edited).toContain('<driver name="qemu" type="qcow2"/>\n      <source file="/srv/vm/web/data.qcow2"/>\n      <target dev="vdb"');
    const block = source.replace("<disk type='file' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source file='/srv/vm/web/data.img'/>", "<disk type='block' device='disk'>\n      <driver name='qemu' type='raw'/>\n      <source dev='/dev/vg/data'/>");
    const fromBlock = xmlOf(editDomainXml(block, web, { kind: 'switch-disk', target: 'vdb', path: '/srv/vm/web/data.qcow2', format: 'qcow2' }));
    expect(fromBlock).toContain('<disk type="file" device="disk">\n      <driver name="qemu" type="qcow2"/>\n      <source file="/srv/vm/web/data.qcow2"/>');
    expect(fromBlock).not.toContain('/dev/vg/data');
  });

  it('is refused when the name now belongs to another domain', () => {
    const refused = refusalOf(editDomainXml(source, { ...web, uuid: '00000000-0000-4000-8000-000000000009' }, { kind: 'switch-disk', target: 'vda', path: '/srv/vm/x.qcow2', format: 'qcow2' }));
    expect(refused.message).toContain(`is no longer the one the plan was made for (UUID 00000000-0000-4000-8000-000000000009, now "${web.uuid}")`);
  });
});

describe('a revert and a clone from a snapshot', () => {
  const snapshotXml = fixture('snapshot-ext1.xml');
  const demo = { uuid: '00000000-0000-4000-8000-000000000001', name: 'demo' };

  it('moves every named disk onto its new overlay at once, dropping each old chain, or none when one is missing', () => {
    const edited = xmlOf(editDomainXml(source, web, { kind: 'switch-disks', disks: { vda: '/srv/vm/web/a-r1.qcow2', vdb: '/srv/vm/web/b-r1.qcow2' } }));
    expect(edited).toContain('<source file="/srv/vm/web/a-r1.qcow2"/>');
    expect(edited).toContain('<source file="/srv/vm/web/b-r1.qcow2"/>');
    expect(edited).not.toContain('<backingStore');
    expect(refusalOf(editDomainXml(source, web, { kind: 'switch-disks', disks: { vda: '/srv/vm/web/a-r1.qcow2', vdz: '/x' } })).key).toBe('define.noDisk');
  });

  it("takes a snapshot's saved persistent definition (its <inactiveDomain>), else its <domain>, as a domain XML the clone edit works on", () => {
    const saved = xmlOf(snapshotDomainXml(snapshotXml, demo, 'ext1'));
    expect(saved.startsWith('<domain type="qemu">')).toBe(true);
    expect(saved).not.toContain('inactiveDomain');
    expect(saved).toContain('<source file="/srv/vm/demo/d1.qcow2"/>');
    const live = xmlOf(snapshotDomainXml(snapshotXml.replace(/<inactiveDomain[\s\S]*<\/inactiveDomain>/, ''), demo, 'ext1'));
    expect(live.startsWith('<domain type="qemu">')).toBe(true);
    const clone = xmlOf(editDomainXml(saved, demo, { kind: 'clone', name: 'demo-2', disks: { vda: '/srv/vm/demo/d1.demo-2.qcow2' } }));
    expect(clone).toContain('<name>demo-2</name>');
    expect(clone).not.toContain('<uuid>');
    expect(clone).toContain('<source file="/srv/vm/demo/d1.demo-2.qcow2"/>');
    expect(refusalOf(snapshotDomainXml('<domainsnapshot><name>x</name></domainsnapshot>', demo, 'x')).key).toBe('define.noSavedDomain');
  });
});
