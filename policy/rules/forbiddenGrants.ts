/**
 * The grants no Stacklok client or access-policy rule may use, shared by the
 * app checks (`apps.ts`) and the access-policy rule checks (`policiesAndRules.ts`).
 */
import { Okta } from "../../components/facts";
import { quoteList, type Violation } from "./check";

export const FORBIDDEN_GRANTS: readonly string[] = [Okta.grantType.implicit, Okta.grantType.password];
export const FORBIDDEN_GRANTS_WHY =
  "implicit returns tokens in the browser redirect, where they leak through history and referrers, and password " +
  "(resource owner password) hands the user's password to the client; both bypass PKCE and Okta's sign-in policies. " +
  `Use "${Okta.grantType.authorizationCode}" (plus "${Okta.grantType.refreshToken}" on the app for refresh).`;

export function forbiddenGrantViolations(property: string, grants: readonly string[]): Violation[] {
  return grants
    .filter((grant) => FORBIDDEN_GRANTS.includes(grant))
    .map((grant) => ({
      property,
      message: `${property} contains "${grant}"; accepted: any grant except ${quoteList(FORBIDDEN_GRANTS)}. ${FORBIDDEN_GRANTS_WHY}`,
    }));
}
