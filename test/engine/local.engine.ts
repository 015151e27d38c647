/**
 * The local example stack (Pulumi.local.yaml, the README's no-org path)
 * through the real CLI, language host and Okta provider, with local-apply
 * held to it step by step: see ./support/exampleStack.ts. The README's own
 * commands run in ./readme.engine.ts.
 */
import { describeExampleOnEngine } from "./support/exampleStack";

describeExampleOnEngine({ stack: "local", protected: false, resources: 27 });
