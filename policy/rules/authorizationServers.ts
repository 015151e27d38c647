/**
 * Checks on authorization servers: adopting Okta's `default` server
 * (`okta.AuthServerDefault`).
 */
import { DEFAULT_SERVER_NAME, Okta, OktaType } from "../../components/facts";
import { type Check, show, type Violation } from "./check";

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
