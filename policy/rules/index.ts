/**
 * The guardrails' logic, one file per resource family; `policies.ts` wires
 * these checks into the pack's policies.
 */
export * from "./apps";
export * from "./authorizationServers";
export * from "./check";
export * from "./crossResource";
export * from "./namesAndEnums";
export * from "./policiesAndRules";
export * from "./scopesAndClaims";
export * from "./userSchema";
