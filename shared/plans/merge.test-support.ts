/**
 * Worlds for the merge planners' table tests and sentences: the seeds' chain
 * base <- sn1 <- sn2 <- sn3, bare or as a domain's disk, with a sibling branch where asked.
 */
import type { Image } from '../images/model.js';
import type { Domain } from '../libvirt/model.js';
import { disk, domain, image, overlay, snapshot, type WorldParts } from './world.test-support.js';

export const base = image('/vm/base.qcow2');
export const sn1 = overlay('/vm/sn1.qcow2', base);
export const sn2 = overlay('/vm/sn2.qcow2', sn1);
export const sn3 = overlay('/vm/sn3.qcow2', sn2);
export const chain: readonly Image[] = [base, sn1, sn2, sn3];

export const bare: WorldParts = { images: chain };

/** Another branch on `on`: `on` then serves two overlays. */
export function withSibling(on: Image, fields: Partial<Image> = {}): WorldParts {
  return { images: [...chain, overlay('/vm/sibling.qcow2', on, fields)] };
}

/**
 * The chain as the disk vda of `web` (running unless said), whose snapshots s1, s2 and s3
 * made sn1, sn2 and sn3: each one's state is the file below its overlay.
 */
export function web(state = 'running'): Domain {
  return domain('web', {
    state,
    disks: [disk('vda', ['/vm/sn3.qcow2', '/vm/sn2.qcow2', '/vm/sn1.qcow2', '/vm/base.qcow2']), disk('vdb', ['/vm/data.qcow2'])],
    snapshots: [
      snapshot('s1', { state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/sn1.qcow2' }], stateFiles: ['/vm/base.qcow2'] }),
      snapshot('s2', { parent: 's1', state: 'disk-snapshot', disks: [{ target: 'vda', snapshot: 'external', file: '/vm/sn2.qcow2' }], stateFiles: ['/vm/sn1.qcow2'] }),
      snapshot('s3', { parent: 's2', state: 'disk-snapshot', current: true, disks: [{ target: 'vda', snapshot: 'external', file: '/vm/sn3.qcow2' }], stateFiles: ['/vm/sn2.qcow2'] }),
    ],
  });
}

export function ofDomain(state = 'running'): WorldParts {
  return { images: [...chain, image('/vm/data.qcow2')], domains: [web(state)] };
}
