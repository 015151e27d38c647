#!/usr/bin/env node
// One apply in a process of its own, for applyStack (index.ts): reads the
// options file named by argv[2] (the API token comes in OKTA_API_TOKEN),
// writes the result or the error to the file named by argv[3], and sends
// progress to standard error.
"use strict";
require("../ts-hook.cjs");
const fs = require("node:fs");
const { applyInProcess } = require("./apply.ts");

const [optionsPath, resultPath] = process.argv.slice(2);
if (!optionsPath || !resultPath) throw new Error("usage: child.cjs <options.json> <result.json>");
const options = JSON.parse(fs.readFileSync(optionsPath, "utf8"));

/** @param {unknown} value */
function write(value) {
  fs.writeFileSync(/** @type {string} */ (resultPath), JSON.stringify(value), { mode: 0o600 });
}

applyInProcess({ ...options, apiToken: process.env["OKTA_API_TOKEN"] ?? "", log: (/** @type {string} */ line) => process.stderr.write(`${line}\n`) }).then(
  (result) => {
    write({ ok: true, result });
    process.exit(0);
  },
  (/** @type {unknown} */ err) => {
    const error = err instanceof Error ? { name: err.name, message: err.message } : { name: "Error", message: String(err) };
    write({ ok: false, error });
    process.exit(1);
  },
);
