export function GraphArea() {
  return (
    <main className="graph-area" aria-label="Graph">
      <div className="empty-graph">
        <h1>Your disk forest will appear here</h1>
        <p>
          Every image in the folders you watch, drawn as a tree: a <b>backing file</b> (the read-only base) below, the{' '}
          <b>overlays</b> that record changes on top of it above, and branches where one base carries several overlays.
        </p>
        <p>Select a domain to see its snapshot tree here instead, with the current snapshot marked.</p>
      </div>
    </main>
  );
}
