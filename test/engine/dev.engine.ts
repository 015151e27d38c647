/**
 * The dev example stack (Pulumi.dev.yaml) through the real CLI, language host
 * and Okta provider: see ./support/exampleStack.ts.
 */
import { describeExampleOnEngine } from "./support/exampleStack";

describeExampleOnEngine({ stack: "dev", protected: false, resources: 20 });
