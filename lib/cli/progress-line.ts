// What `winhttp get` shows: on a terminal one progress line redrawn in place (bar, percent, bytes, rate, time left),
// and the units it uses; the --json lines are built from the same Progress.
import type { Progress } from '../progress/meter';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Bytes in decimal units with one decimal (kB = 1000 B, as curl and most download tools show them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line, at most `columns` wide: "[#####.....]  45%  90.0 MB / 200.0 MB  12.3 MB/s  ETA 9s". */
export function progressLine(progress: Progress, columns: number): string {
  const { bytes, total, rate, eta } = progress;
  const amount = total === undefined ? formatBytes(bytes) : `${formatBytes(bytes)} / ${formatBytes(total)}`;
  const speed = `${formatBytes(rate)}/s`;
  const left = progress.done ? 'done' : eta === undefined ? '' : `ETA ${formatDuration(eta)}`;
  const percent = total === undefined || total === 0 ? '' : `${String(Math.floor((bytes / total) * 100)).padStart(3)}%`;
  const text = [percent, amount, speed, left].filter(Boolean).join('  ');
  const width = Math.max(0, Math.min(40, columns - text.length - 4));
  if (total === undefined || width < 10) return text.slice(0, Math.max(0, columns - 1));
  const filled = Math.round((Math.min(bytes, total) / Math.max(total, 1)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]  ${text}`;
}
