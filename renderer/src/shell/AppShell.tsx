import { GraphArea } from './GraphArea';
import { Inspector } from './Inspector';
import { JobsDrawer } from './JobsDrawer';
import { Sidebar } from './Sidebar';

/** The window as design.md §7 lays it out: sidebar, graph, inspector, jobs below. */
export function AppShell() {
  return (
    <div className="app-shell">
      <Sidebar />
      <GraphArea />
      <Inspector />
      <JobsDrawer />
    </div>
  );
}
