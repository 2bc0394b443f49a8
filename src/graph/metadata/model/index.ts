// Every area's part of the model, in one list: /$metadata renders exactly these.
import type { EdmModule } from '../edm.js';
import { common } from './common.js';
import { directory } from './directory.js';
import { files } from './files.js';
import { migrations } from './migrations.js';
import { outlook } from './outlook.js';
import { teams } from './teams.js';
import { sharepoint } from './sharepoint.js';
import { xtmExtensions } from './xtm.js';

export const modelModules: EdmModule[] = [common, migrations, directory, outlook, files, teams, sharepoint, xtmExtensions];
