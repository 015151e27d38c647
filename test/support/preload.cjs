// @ts-check
/**
 * Preloaded (`node --require`) into Pulumi's own nodejs runtime entry,
 * `@pulumi/pulumi/cmd/run`, so the program runs exactly as `pulumi up` loads
 * it (ts-node, the project's tsconfig, type checking) but against the mock
 * engine instead of a Pulumi CLI. Writes what the program registered to the
 * JSON file named by STACKLOK_MOCK_REPORT when the run ends.
 *
 * Environment: PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS (as the language
 * host sets them), STACKLOK_MOCK_PROJECT, STACKLOK_MOCK_STACK,
 * STACKLOK_MOCK_REPORT, and optionally STACKLOK_MOCK_DEFAULT_SERVER (JSON:
 * the current state of the org's `default` server).
 */
"use strict";

const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const stackModule = require("@pulumi/pulumi/runtime/stack");
const { createOktaMocks, createOptionsRecorder, collectReport, orgHostFromConfig } = require("../../tools/mock-engine/oktaMocks.cjs");

const reportPath = process.env["STACKLOK_MOCK_REPORT"];
const config = JSON.parse(process.env["PULUMI_CONFIG"] ?? "{}");
const defaultServer = process.env["STACKLOK_MOCK_DEFAULT_SERVER"];

const okta = createOktaMocks({
  orgHost: orgHostFromConfig(config),
  ...(defaultServer ? { defaultServer: JSON.parse(defaultServer) } : {}),
});
const recorder = createOptionsRecorder();

void pulumi.runtime.setMocks(okta.mocks, process.env["STACKLOK_MOCK_PROJECT"], process.env["STACKLOK_MOCK_STACK"], false);

// The mock monitor has no shutdown handshake; answer it so the runtime exits cleanly.
const monitor = /** @type {any} */ (pulumi.runtime.getMonitor());
monitor.signalAndWaitForShutdown = (/** @type {unknown} */ _req, /** @type {(err: null) => void} */ callback) => callback(null);

// Record resource options: wrap the root-stack entry the runtime calls, so
// the recorder is registered as soon as the Stack resource exists.
const runInPulumiStack = stackModule.runInPulumiStack;
stackModule.runInPulumiStack = (/** @type {() => Promise<any>} */ init) =>
  runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(recorder.transformation);
    return init();
  });

let written = false;
process.on("beforeExit", () => {
  if (written || !reportPath) return;
  written = true;
  void collectReport(okta, recorder).then((report) => fs.writeFileSync(reportPath, JSON.stringify(report)));
});
