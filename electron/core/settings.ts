import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** What Snaptree remembers across restarts. */
const Settings = z.object({
  watchedFolders: z.array(z.string()).default([]),
  /** libvirt URIs the user added; the default URI is always shown as well. */
  connections: z.array(z.string()).default([]),
});
export type Settings = z.infer<typeof Settings>;

/** `$XDG_CONFIG_HOME/snaptree`, else `~/.config/snaptree`: shared by the window, serve and the CLI. */
export function defaultConfigDir(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'snaptree');
}

export class SettingsFile {
  private readonly path: string;

  constructor(readonly dir: string) {
    this.path = join(dir, 'settings.json');
  }

  /**
   * The saved settings, or the defaults. A file that does not parse is kept aside as
   * settings.json.unreadable rather than overwritten, so nothing the user had is lost.
   */
  async load(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return Settings.parse({});
    }
    try {
      return Settings.parse(JSON.parse(text));
    } catch {
      await rename(this.path, `${this.path}.unreadable`).catch(() => undefined);
      return Settings.parse({});
    }
  }

  /** Writes a new file and renames it over the old one: a crash leaves one or the other, whole. */
  async save(settings: Settings): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(settings, null, 2)}\n`);
    await rename(temporary, this.path);
  }
}
