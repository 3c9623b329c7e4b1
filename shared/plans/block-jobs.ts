import { say } from '../messages/problems.js';
import { shellLine } from '../shell-words.js';
import { blockjobArgv, waitsForPivot } from '../virsh/blockjob.js';
import { blocker, toolPath } from './draft.js';
import type { Blocker, PlanDraft } from './plan.js';
import type { World } from './world.js';

/**
 * A block job on a disk of a domain the plan changes, that the plan did not start (a
 * commit typed in a terminal, a backup tool's copy): libvirt runs one block job per disk
 * and refuses a snapshot, a commit, a pull or a snapshot's deletion there, which would stop
 * a plan of several steps partway. Every planner's domains are checked here, once. How the
 * job ends is its owner's choice: the alternative gives the commands, not a click.
 */
export function blockJobBlockers(draft: PlanDraft, world: World): Blocker[] {
  return draft.locks.domains.flatMap(({ uri, uuid }) => {
    const domain = world.connections.find((connection) => connection.uri === uri)?.domains.find((candidate) => candidate.uuid === uuid);
    if (domain === undefined) return [];
    const command = (disk: string, action: 'pivot' | 'abort') => shellLine(blockjobArgv({ virsh: toolPath(world, 'virsh'), uri }, domain.name, disk, action));
    return domain.disks.flatMap(({ target, blockJob }) => {
      if (blockJob === undefined) return [];
      const about = { domain: domain.name, disk: target, type: blockJob.type };
      if (waitsForPivot(blockJob)) {
        return [
          blocker('block-job-running', say('plans.blocker.blockJobWaitsForPivot', about), [
            { ...say('plans.alternative.blockJobPivotOrAbort'), commands: [command(target, 'pivot'), command(target, 'abort')] },
          ]),
        ];
      }
      const percent = blockJob.end > 0 ? Math.floor((blockJob.cur / blockJob.end) * 100) : 0;
      return [blocker('block-job-running', say('plans.blocker.blockJobRunning', { ...about, percent }), [{ ...say('plans.alternative.blockJobEnds'), commands: [command(target, 'abort')] }])];
    });
  });
}
