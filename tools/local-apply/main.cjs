#!/usr/bin/env node
// Entry of `npm run local:apply`: plain node plus the project's
// type-stripping hook, as `npm run plan` starts.
"use strict";
require("../ts-hook.cjs");
const { runCli } = require("./cli.ts");
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(3);
  },
);
