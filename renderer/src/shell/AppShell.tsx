import { SnapshotDialog } from '../libvirt/SnapshotDialog';
import { PlanDialog } from '../plans/PlanDialog';
import { SettingsNotice } from '../settings/SettingsNotice';
import { GraphArea } from './GraphArea';
import { Inspector } from './Inspector';
import { JobsDrawer } from './JobsDrawer';
import { Sidebar } from './Sidebar';

/** The window as design.md §7 lays it out: sidebar, graph, inspector, jobs below; a settings notice above while there is one; the dialogs of a change over it. */
export function AppShell() {
  return (
    <div className="app-shell">
      <SettingsNotice />
      <Sidebar />
      <GraphArea />
      <Inspector />
      <JobsDrawer />
      <SnapshotDialog />
      <PlanDialog />
    </div>
  );
}
