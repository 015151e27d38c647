import * as pulumi from "@pulumi/pulumi";

export interface DestroyGuardArgs {
  /** Everything the stack would lose to a partial destroy: the guard depends on each of them. */
  guarded: pulumi.Resource[];
  /** The stack's `protect` setting. */
  protect: boolean;
}

/**
 * Makes `protect` all or nothing for a destroy.
 *
 * The engine deletes a resource only after everything that depends on it,
 * and checks `protect` when it comes to delete each resource, not before the
 * first: without a preview (`pulumi destroy --skip-preview`, the Automation
 * API) it deletes every unprotected resource, then stops at the protected
 * servers and apps, leaving servers with no policy and apps with no groups.
 * This resource depends on every other one and carries the stack's
 * `protect`, so its own delete comes first and is refused before anything
 * reaches Okta. Protecting the children themselves instead would also
 * refuse the delete-before-replace of a scope, claim, policy or rule and the
 * removal of an MCP server's server, which `pulumi up` must still do; those
 * never delete the guard. It is a component: no Okta object, no API call.
 */
export class DestroyGuard extends pulumi.ComponentResource {
  constructor(name: string, args: DestroyGuardArgs, opts: { parent: pulumi.Resource }) {
    super("stacklok:identity:DestroyGuard", name, {}, { parent: opts.parent, protect: args.protect, dependsOn: args.guarded });
    this.registerOutputs({});
  }
}
