/**
 * Checks on authorization servers: adopting Okta's `default` server
 * (`okta.AuthServerDefault`), and the one audience every server carries.
 */
import { DEFAULT_SERVER_NAME, Okta, OktaType } from "../../components/facts";
import { asStrings, type Check, show, type Violation } from "./check";

/**
 * Adopting Okta's `default` server: the provider looks the server up by
 * `name` (an autonamed `<logical>-1a2b3c4` is a 404, any other name renames
 * the server), and its `credentialsRotationMode` default is MANUAL (terraform-provider-okta
 * `resource_okta_auth_server_default.go`).
 */
export const defaultServerIsAdoptedSafely: Check = (type, props) => {
  if (type !== OktaType.authServerDefault) return [];
  const violations: Violation[] = [];
  if (props.name !== DEFAULT_SERVER_NAME) {
    violations.push({
      property: "name",
      message:
        `name is ${show(props.name)}; accepted: "${DEFAULT_SERVER_NAME}". The provider uses name as the id of the ` +
        `server to adopt: any other value fails with a 404 at apply time or renames Okta's default server.`,
    });
  }
  if (props.credentialsRotationMode !== Okta.credentialsRotationMode.auto) {
    violations.push({
      property: "credentialsRotationMode",
      message:
        `credentialsRotationMode is ${show(props.credentialsRotationMode)}; accepted: "${Okta.credentialsRotationMode.auto}". ` +
        `For AuthServerDefault the provider sends "${Okta.credentialsRotationMode.manual}" when this is unset, which ` +
        `switches the default server to manual signing-key rotation or leaves a perpetual diff.`,
    });
  }
  return violations;
};

/**
 * Okta gives an authorization server exactly one audience: the management
 * API specification says "Okta currently supports only one audience", and a
 * request with two is refused with `E0000001` "audiences: 'audiences' must be
 * an array with exactly one value.". The provider does not check the count
 * (`audiences` is a set with no limit in terraform-provider-okta
 * `resource_okta_auth_server.go` and `resource_okta_auth_server_default.go`),
 * so without this check only `pulumi up` finds out, half-way through.
 */
export const serverHasOneAudience: Check = (type, props) => {
  if (type !== OktaType.authServer && type !== OktaType.authServerDefault) return [];
  const audiences = asStrings(props.audiences);
  // AuthServerDefault: unset, the provider sends its default, `api://default`.
  if (audiences === undefined && type === OktaType.authServerDefault) return [];
  if (audiences?.length === 1) return [];
  return [
    {
      property: "audiences",
      message:
        `audiences is ${show(props.audiences)}; accepted: exactly one audience. Okta supports only one audience per ` +
        `authorization server and refuses the request with "audiences: 'audiences' must be an array with exactly ` +
        `one value." at apply time; the provider does not check it, so preview passes.`,
    },
  ];
};
