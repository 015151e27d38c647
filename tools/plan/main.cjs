#!/usr/bin/env node
// Entry of `npm run plan`. Plain node plus a type-stripping hook: the plan
// must start about as fast as loading @pulumi/pulumi itself (bench/plan.ts).
"use strict";
require("../ts-hook.cjs");
const { runPlan } = require("./cli.ts");
runPlan(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 3;
  },
);
