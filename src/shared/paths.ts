/**
 * Folders at the top of the project, found the same way whether the code runs from `src/`
 * (tests) or from the compiled `dist/src/` (npm start).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const projectRoot = findProjectRoot(__dirname);
export const viewsDir = path.join(projectRoot, 'views');
export const assetsDir = path.join(viewsDir, 'assets');
/** Chart.js's browser bundles, served from the package itself (no CDN). */
export const chartJsDistDir = path.dirname(require.resolve('chart.js'));

function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}
