/**
 * `snaptree` on the command line: the same core as the window, without one.
 * Each verb prints JSON with --json for scripts, or text for a person.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/core.js';
import { LocalHost } from '../core/host/local.js';
import { startServer } from '../serve/server.js';
import { resolve } from 'node:path';
import { createDemoWorkspace, DemoFolderNotEmptyError } from '../core/images/demo.js';
import { scanPaths } from '../core/images/scan.js';
import { formatForest, formatToolsReport } from './format.js';

const HELP = `snaptree: see and change QEMU/KVM disk-image chains and libvirt snapshot trees

Usage: snaptree <verb> [options]

Verbs:
  serve [--port N] [--host ADDR]   serve the window to a browser (default 127.0.0.1,
                                   a free port); prints one URL with a fresh token
  scan PATH... [--json]            read every image under the folders (or the image
                                   files) and print the backing forest with problems
  demo DIR                         create a demo workspace of small sparse images in
                                   DIR (new or empty) with qemu-img
  tools [--json]                   where qemu-img and virsh are, their versions, and
                                   whether a libvirt daemon answers
  help                             this text

Exit codes: 0 done, 1 failed, 2 bad usage or input.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  const host = new LocalHost();
  const core = createCore(host, { mode: verb === 'serve' ? 'web' : 'cli' });
  switch (verb) {
    case 'tools': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
      const report = await core.handlers.toolsCheck({});
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatToolsReport(report));
      return 0;
    }
    case 'scan': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
      if (positionals.length === 0) throw new UsageError('scan needs at least one folder or image file');
      const forest = await scanPaths(host, positionals.map((path) => resolve(path)));
      if (forest.errors.length > 0) {
        for (const error of forest.errors) process.stderr.write(`snaptree: ${error.path}: ${error.message}\n`);
        return 2;
      }
      const { images } = forest;
      process.stdout.write(values.json ? `${JSON.stringify({ images }, null, 2)}\n` : formatForest(forest));
      return 0;
    }
    case 'demo': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new UsageError('demo needs exactly one folder: snaptree demo DIR');
      const dir = resolve(positionals[0]!);
      const qemuImg = await host.findProgram('qemu-img');
      if (qemuImg === null) throw new Error('qemu-img is not installed: install the package qemu-utils');
      try {
        await createDemoWorkspace(host, qemuImg, dir);
      } catch (error) {
        if (error instanceof DemoFolderNotEmptyError) throw new UsageError(error.message);
        throw error;
      }
      process.stdout.write(`Created the demo workspace in ${dir}\nSee it: snaptree scan ${dir}\n`);
      return 0;
    }
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
      });
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not ${values.port}`);
      const server = await startServer({
        core,
        host: values.host,
        port,
        rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
      });
      process.stdout.write(`Snaptree is serving at ${server.url}\n`);
      const stop = (): void => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return new Promise<number>(() => {});
    }
    default:
      throw new UsageError(`Unknown verb "${verb}". Run snaptree --help for the list.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`snaptree: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
