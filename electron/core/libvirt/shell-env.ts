/**
 * The environment of a virsh shell of ours, besides the process's own. virsh's shell adds
 * every line it reads to `$XDG_CACHE_HOME/libvirt/virsh/history` and writes that file back
 * when it exits on the end of its input (as it does when the process that spoke to it
 * dies), cut to the last 500 lines: after a day of Snaptree's reads and steps, a person's
 * own virsh history would hold only our commands. Our shells keep theirs in Snaptree's own
 * cache folder instead. Not for a URI that names a session daemon of this host: a shell that
 * connects to one may be what starts it, and the daemon would take that cache folder from
 * the shell too (its domains' logs, its capabilities cache), so such a shell keeps the
 * user's. A session daemon on another host is started there, in that host's environment
 * (ssh passes no XDG_CACHE_HOME on), so a shell that reaches it keeps ours.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function virshShellEnv(uri: string): Readonly<Record<string, string>> {
  if (startsSessionDaemonHere(uri)) return {};
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return { XDG_CACHE_HOME: join(cacheHome, 'snaptree', 'virsh-shell') };
}

/** `qemu:///session`, `qemu+unix:///session`: the daemon of a user of this host, which a client may start. */
function startsSessionDaemonHere(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.hostname === '' && url.pathname.replace(/\/+$/, '') === '/session';
  } catch {
    // Not a URL virsh would take either: left as it is, which changes nothing.
    return true;
  }
}
