/**
 * `snaptree` on the command line: the same core as the window, without one.
 * Each verb prints JSON with --json for scripts, or text for a person.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMessage, terminalJson, terminalText } from '../../shared/format.js';
import { localDomainFiles, uriRefusal } from '../../shared/libvirt/uri.js';
import { LocalHost } from '../core/host/local.js';
import { exitWith, outputFailed, print, systemReason, warn } from './output.js';
import { UsageError } from './usage.js';

// Each verb loads only what it uses: a scan answers before zod, execa or ws are loaded.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const HELP = `snaptree: see and change QEMU/KVM disk-image chains and libvirt snapshot trees

Usage: snaptree <verb> [options]

Verbs:
  serve [--port N] [--host ADDR [--allow-remote]]
                                   serve the window to a browser (default 127.0.0.1,
                                   a free port); prints one URL with a fresh token;
                                   another address needs --allow-remote
  scan [PATH...] [--connect URI]... [--json]
                                   read every image under the folders (or the image
                                   files) and print the backing forest with problems;
                                   with --connect, also every domain of that libvirt
                                   URI with its disks and snapshot tree, linked
  demo DIR                         create a demo workspace of small sparse images in
                                   DIR (new or empty) with qemu-img
  tools [--json]                   where qemu-img and virsh are, their versions, and
                                   whether a libvirt daemon answers
  plan INTENT... [--connect URI] [--json]
                                   print the plan of a change: its exact commands,
                                   files changed and made unused, bytes, lost states,
                                   warnings, blockers; runs nothing
  run INTENT... [--connect URI] [--yes] [--json]
                                   show the plan, ask (no terminal: needs --yes), run
                                   it as a job with progress on stderr; Ctrl-C cancels
  jobs [--json]                    recorded jobs, unfinished ones first
  trash [list | restore JOB | empty --yes] [--json]
                                   files jobs made unused, kept beside where they were
  help                             this text

INTENT (a DOMAIN is a libvirt domain name; an IMAGE a path, absolute or ./relative):
  snapshot DOMAIN NAME [--description TEXT] [--disk-only | --memory] [--live]
                       [--quiesce] [--file DISK=PATH]...   default: internal
  snapshot IMAGE NAME              internal, in an image no domain runs
  overlay IMAGE NEW [--clone DOMAIN_NAME]
                                   a new overlay; --clone: a linked clone domain on it
  convert IMAGE NEW                the image (raw or any format) as a new qcow2 file
  check IMAGE [--chain] [--repair leaks|all]
  revert DOMAIN SNAPSHOT [--running | --paused] [--file DISK=PATH]...
                                   back to a snapshot, internal or external (on
                                   libvirt 9.0 too: NOW's files stay, as a branch)
  revert IMAGE SNAPSHOT            an image no domain uses, to its internal snapshot
  clone DOMAIN SNAPSHOT NEW_DOMAIN [--file DISK=PATH]...
                                   a new domain, as DOMAIN was at SNAPSHOT
  delete DOMAIN SNAPSHOT [--children] [--metadata-only]
                                   a snapshot (--children: and all below it); an
                                   external one is folded by Snaptree, never a file
                                   another branch needs; --metadata-only keeps files
  delete IMAGE SNAPSHOT            an internal snapshot of an image no domain runs
  commit IMAGE [--into BASE] [--keep-metadata]
                                   IMAGE and every layer down to BASE (default: its
                                   backing file) folded into BASE; live on a running
                                   domain (blockcommit), else qemu-img commit
  pull IMAGE [--base BASE] [--keep-metadata]
                                   the layers between copied up into IMAGE, which then
                                   backs onto BASE; no --base: flattened, no backing
  A NAME or NEW starting with a dash goes after --: snaptree run snapshot vm -- -x

Exit codes: 0 done, 1 failed or cancelled, 2 bad usage or input, 3 refused (the plan
has blockers; they are said on stderr).
`;

async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    await print(HELP);
    return 0;
  }
  const host = new LocalHost();
  switch (verb) {
    case 'tools': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
      const [{ checkTools }, { formatToolsReport }] = await Promise.all([import('../core/tools/check.js'), import('./format.js')]);
      const report = await checkTools(host);
      await print(values.json ? `${terminalJson(report, 2)}\n` : formatToolsReport(report));
      return 0;
    }
    case 'scan': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, connect: { type: 'string', multiple: true, default: [] } },
      });
      if (positionals.length === 0 && values.connect.length === 0) throw new UsageError('scan needs a folder, an image file or --connect URI');
      // resolve('') is the current folder: an empty argument (an unset variable) is a mistake, not a wish to scan here.
      if (positionals.includes('')) throw new UsageError('scan got an empty path: name a folder or an image file');
      // Refused as the window refuses them, before any virsh runs (an empty one too: it
      // would silently stand for the default URI).
      for (const uri of values.connect) {
        const refusal = uriRefusal(uri);
        if (refusal !== null) throw new UsageError(`--connect "${uri}" refused: ${refusal.message}`);
      }
      const [{ scanPaths }, { formatForest, formatConnections }, libvirt] = await Promise.all([
        import('../core/images/scan.js'),
        import('./format.js'),
        values.connect.length > 0 ? import('./libvirt.js') : null,
      ]);
      const connections = libvirt ? await libvirt.inventory(host, values.connect) : [];
      const paths = positionals.map((path) => resolve(path));
      const forest = await scanPaths(host, paths, localDomainFiles(connections));
      for (const error of forest.errors) warn(`${error.path}: ${error.message}`);
      // A path given that cannot be read is bad input; a folder inside one that cannot be
      // read is reported beside everything else that was.
      if (forest.errors.some((error) => paths.includes(error.path))) return 2;
      for (const connection of connections) {
        if (!connection.reachable) warn(`${connection.uri}: ${connection.error}`);
      }
      const linked = libvirt ? libvirt.link(forest.images, connections) : { images: forest.images, connections: [], domains: undefined };
      // Indented for a person at a terminal, compact for a pipe (10,000 images print faster).
      const indent = process.stdout.isTTY ? 2 : undefined;
      await print(
        values.json
          ? `${terminalJson({ images: linked.images, domains: linked.domains, skipped: forest.skipped, errors: forest.errors }, indent)}\n`
          : formatForest({ ...forest, images: linked.images }) + formatConnections(linked.connections),
      );
      return forest.errors.length > 0 || connections.some((connection) => !connection.reachable) ? 1 : 0;
    }
    case 'demo': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw new UsageError('demo needs exactly one folder: snaptree demo DIR');
      const dir = resolve(positionals[0]!);
      const { createDemoWorkspace, DemoFolderNotEmptyError } = await import('../core/images/demo.js');
      const qemuImg = await host.findProgram('qemu-img');
      if (qemuImg === null) throw new Error('qemu-img is not installed: install the package qemu-utils');
      let demo;
      try {
        demo = await createDemoWorkspace(host, qemuImg, dir);
      } catch (error) {
        if (error instanceof DemoFolderNotEmptyError) throw new UsageError(error.message);
        // The folder could not be made or listed: a file in its place or on its way.
        const system = error as NodeJS.ErrnoException;
        if (system.syscall === 'mkdir' || system.syscall === 'scandir') {
          throw new UsageError(
            system.code === 'EEXIST' ? `${dir} is a file, not a folder: the demo goes into a new or empty folder.` : `${dir} cannot be the demo folder: ${systemReason(system)}.`,
          );
        }
        throw error;
      }
      if (demo.problem !== null) warn(demo.problem.message);
      const domain = demo.domain === null ? '' : `and the domain ${terminalText(demo.domain.name)} at ${terminalText(demo.domain.uri)}, running, with two snapshots\n`;
      await print(`Created the demo workspace in ${terminalText(dir)}\n${domain}See it: snaptree scan ${terminalText(dir)}${demo.domain === null ? '' : ` --connect ${terminalText(demo.domain.uri)}`}\n`);
      return 0;
    }
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' }, 'allow-remote': { type: 'boolean', default: false } },
      });
      // Decimal digits only: Number() would take 0x50 for 80 and 1e3 for 1000.
      const port = Number(values.port);
      if (!/^\d+$/.test(values.port) || port > 65535) throw new UsageError(`--port must be a number from 0 to 65535 in decimal digits, not ${values.port}`);
      // The page can change disks, and its token travels in plain HTTP: other machines
      // reach it only when the user says so, knowingly.
      if (!LOOPBACK.has(values.host)) {
        if (!values['allow-remote']) throw new UsageError(`--host ${values.host} lets other machines reach Snaptree over plain HTTP; add --allow-remote if that is meant, or tunnel: ssh -L PORT:127.0.0.1:PORT`);
        warn(`serving on ${values.host}: anyone who can reach it and sees the token can change your disks.`);
      }
      const [{ createCore }, { startServer }] = await Promise.all([import('../core/core.js'), import('../serve/server.js')]);
      const core = createCore(host, { mode: 'web' });
      const server = await startServer({
        core,
        host: values.host,
        port,
        rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
      });
      await print(`Snaptree is serving at ${server.url}\n`);
      // Stopped (Ctrl-C, a kill, the service manager), the jobs it runs are cancelled first, so
      // that each says what it left; a second signal stops at once, leaving them to the journal.
      let stopping = false;
      const stop = (): void => {
        if (stopping) exitWith(1);
        stopping = true;
        warn('stopping: cancelling the jobs it runs, each says what it left (again to stop at once)');
        void core
          .cancelJobs()
          .catch((error: unknown) => warn(`the cancel failed: ${errorMessage(error)}`))
          .then(() => server.close())
          .then(() => exitWith(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      return new Promise<number>(() => {});
    }
    case 'plan':
    case 'run':
      return (await import('./plan.js')).changeVerb(host, verb, rest);
    case 'jobs':
      return (await import('./jobs.js')).jobsVerb(host, rest);
    case 'trash':
      return (await import('./jobs.js')).trashVerb(host, rest);
    default:
      throw new UsageError(`Unknown verb "${verb}". Run snaptree --help for the list.`);
  }
}

process.stdout.on('error', outputFailed);

main(process.argv.slice(2)).then(
  (code) => exitWith(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    warn(errorMessage(error));
    exitWith(usage ? 2 : 1);
  },
);
