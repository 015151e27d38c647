// Stacklok Enterprise platform identity on Okta: one `pulumi up` per
// environment. Stack config (Pulumi.<stack>.yaml) chooses the setup mode; the
// stack outputs are what the Stacklok charts need. See README.md.
import { deployPlatformIdentity } from "./components";

export = deployPlatformIdentity();
