// Stacklok Enterprise platform identity on Okta: one `pulumi up` per
// environment. Stack config (Pulumi.<stack>.yaml) chooses the setup mode; the
// stack outputs are what the Stacklok charts need. See README.md.
//
// The program is exported as a function, which Pulumi's nodejs runtime calls
// and awaits at once: a promise exported instead would reject on bad config
// before the runtime awaits it, and Node would add a
// PromiseRejectionHandledWarning to the config error.
import { deployPlatformIdentity } from "./components";

export = deployPlatformIdentity;
