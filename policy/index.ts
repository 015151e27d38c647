/**
 * Entry point of the `stacklok-okta-guardrails` policy pack, loaded by
 * `pulumi preview --policy-pack ./policy` (see docs/guardrails.md).
 *
 * Constructing the PolicyPack starts the analyzer's gRPC server, so this
 * file does nothing else; the policies live in `policies.ts` and their logic
 * under `rules/`, where tests reach them without a server.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies, stackPolicies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "Guardrails for the Okta resources behind Stacklok Enterprise: public clients with PKCE, no implicit or " +
    "password grants, safe redirect URIs, explicit clients and scopes, access-token platform claims, the " +
    "@pulumi/okta traps (autonaming, MANUAL key rotation, camelCased enum values), and the rules that span " +
    "resources (one group assignment per app, contiguous priorities).",
  policies: [...policies, ...stackPolicies],
});
