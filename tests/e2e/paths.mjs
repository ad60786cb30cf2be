// Where things are: the repository, the built app (dist/, or $SASI_DIST) and the screenshots.
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = process.env.SASI_DIST || join(REPO, 'dist');
export const SHOTS = join(REPO, 'target', 'e2e');
