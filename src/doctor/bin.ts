// The `voicewire` command (package.json "bin"); rollup adds the shebang. Only `doctor` for now.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
