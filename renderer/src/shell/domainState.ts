import type { TFunction } from 'i18next';

/** A domain's state as libvirt names it (`shut off`) in the window's language; a state this version does not know, as libvirt says it. */
export function domainState(t: TFunction, state: string): string {
  return t(`domainState.${state}`, { ns: 'shell', defaultValue: state });
}
