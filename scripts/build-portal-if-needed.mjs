// Builds the web portal (packages/portal) unless its build is newer than every source file, so that `npm start`
// serves an up-to-date portal without rebuilding it at every start.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const portal = fileURLToPath(new URL('../packages/portal/', import.meta.url));
const built = path.join(portal, 'dist', 'index.html');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newest(file) {
  if (!existsSync(file)) return 0;
  const stats = statSync(file);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

const sources = Math.max(...SOURCES.map((name) => newest(path.join(portal, name))));
if (existsSync(built) && statSync(built).mtimeMs >= sources) {
  process.exit(0);
}
console.log('Building the web portal (packages/portal)…');
execFileSync('npm', ['run', 'build', '--silent', '-w', '@wharf/portal'], { stdio: 'inherit' });
