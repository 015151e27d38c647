#!/usr/bin/env node
// Entry of `npm run doctor`. Plain node plus the type-stripping hook, as `npm run plan`.
"use strict";
require("../ts-hook.cjs");
const { runDoctorCli } = require("./cli.ts");
runDoctorCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`doctor: unexpected failure: ${err && err.stack ? err.stack : String(err)}`);
    process.exitCode = 3;
  },
);
