// Keeps an import's progress line current while it runs, then reloads to show the report.
const line = document.getElementById('import-progress');
if (line) {
  const id = line.dataset.import;
  const tick = async () => {
    const r = await fetch(`/imports/${id}/progress`, { credentials: 'same-origin' });
    if (!r.ok) return;
    const p = await r.json();
    if (p.status !== 'running') return window.location.reload();
    const pct = p.totalBytes
      ? `, ${Math.round((100 * p.bytesRead) / p.totalBytes)}% of the file`
      : '';
    line.textContent = `Importing: ${p.rowsRead} rows read${pct}.`;
    setTimeout(tick, 1000);
  };
  setTimeout(tick, 1000);
}
