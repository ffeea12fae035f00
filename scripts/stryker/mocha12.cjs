// Preloaded (node --require) into Stryker and its workers. @stryker-mutator/mocha-runner 10.0.0
// requires mocha's CLI helpers without an extension (`mocha/lib/cli/run-helpers`, `.../options`,
// `.../collect-files`), and mocha 12 ships them as `.cjs` files, which require() does not try. Node
// tries the extensions registered in require.extensions, so registering `.cjs` with the `.js` loader
// (both CommonJS here) lets those requires resolve. Drop this file when the runner knows mocha 12.
'use strict';
const extensions = require.extensions;
if (!extensions['.cjs']) extensions['.cjs'] = extensions['.js'];
