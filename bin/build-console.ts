// `npm run build:console`: regenerate functions/generated/console-assets.ts from console/.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GENERATED_MODULE_PATH, buildConsoleModule } from '../console/build-assets';

const source = await buildConsoleModule();
await mkdir(dirname(GENERATED_MODULE_PATH), { recursive: true });
await writeFile(GENERATED_MODULE_PATH, source);
console.log(`wrote ${GENERATED_MODULE_PATH} (${source.length} bytes)`);
