// A download in a process of its own, for the test that kills it (SIGKILL) mid-file: argv[2] is the URL, argv[3]
// the path. Exits 0 once the file is complete, 1 on an error (its stdio is ignored: under Wine node.exe cannot write
// to a Linux pipe).
import { download } from '../../lib';

download(process.argv[2], process.argv[3]).then(() => process.exit(0), () => process.exit(1));
