/**
 * The prod example stack (Pulumi.prod.yaml) through the real CLI, language host
 * and Okta provider: see ./support/exampleStack.ts.
 */
import { describeExampleOnEngine } from "./support/exampleStack";

describeExampleOnEngine({ stack: "prod", protected: true, resources: 41 });
