export function JobsDrawer() {
  return (
    <footer className="jobs-drawer" aria-label="Jobs">
      <h3>Jobs</h3>
      <p className="empty">
        No jobs yet. Every change (a snapshot, a commit, a pull) runs here as a job with a progress bar, its exact
        commands, and a cancel button.
      </p>
    </footer>
  );
}
