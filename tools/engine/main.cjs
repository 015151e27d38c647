#!/usr/bin/env node
// Entry of `npm run engine:build`: plain node plus the project's type-stripping hook.
"use strict";
require("../ts-hook.cjs");
const { runEngineBuild } = require("./cli.ts");
runEngineBuild(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 3;
  },
);
