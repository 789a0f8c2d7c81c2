// The 72-hour clock, kept live on incident pages: the server renders the time left when the page
// is drawn; this updates it once a minute. The deadline is an instant, so the count is the same
// whatever the visitor's time zone or a change of clocks.
function words(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  if (minutes < 1) return 'less than a minute';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const part = (n, unit) => (n ? [`${n} ${unit}${n === 1 ? '' : 's'}`] : []);
  return [...part(d, 'day'), ...part(h, 'hour'), ...part(m, 'minute')].join(' ');
}

function tick() {
  for (const el of document.querySelectorAll('[data-clock-deadline][data-clock-running="yes"]')) {
    const label = el.querySelector('[data-clock-label]');
    if (!label) continue;
    const left = Date.parse(el.getAttribute('data-clock-deadline')) - Date.now();
    label.textContent =
      left >= 0
        ? `${words(left)} left to notify the ICO`
        : `${words(-left)} past the deadline to notify the ICO`;
  }
}

tick();
setInterval(tick, 60000);
