'use strict';
// Loads the native addon built for this platform (`scripts/node-build.sh` puts it here).

const path = require('node:path');

const file = path.join(__dirname, `agentphone.${process.platform}-${process.arch}.node`);
let native;
try {
  native = require(file);
} catch (error) {
  throw new Error(`agentphone-rs: no native addon for ${process.platform}-${process.arch} at ${file} (build it with scripts/node-build.sh): ${error.message}`);
}
module.exports = native;
