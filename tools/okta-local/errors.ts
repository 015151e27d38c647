/**
 * Okta's management API error shape and the codes okta-local answers with.
 *
 * Shape (every management error, recorded and in Okta's error catalogue,
 * https://developer.okta.com/docs/reference/error-codes/):
 * `{errorCode, errorSummary, errorLink (= errorCode), errorId ("oae…"), errorCauses: [{errorSummary}]}`.
 */
import { randomBytes } from "node:crypto";
import type { ZodError } from "zod";

export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

export class OktaApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorCode: string,
    readonly errorSummary: string,
    readonly errorCauses: string[] = [],
  ) {
    super(`${errorCode} ${errorSummary}${errorCauses.length ? `: ${errorCauses.join("; ")}` : ""}`);
  }

  body(): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.errorSummary,
      errorLink: this.errorCode,
      errorId: `oae${randomBytes(16).toString("base64url").slice(0, 22)}`,
      errorCauses: this.errorCauses.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/**
 * E0000001, 400. Recorded (reedship/simpleokta `auth_servers/invalid_create_auth_server.yml`):
 * summary `Api validation failed: audiences`, one cause per field as `field: message`.
 * Okta names the first failing field in the summary.
 */
export function validationFailed(causes: { field: string; message: string }[]): OktaApiError {
  const first = causes[0]?.field ?? "request";
  return new OktaApiError(400, "E0000001", `Api validation failed: ${first}`, causes.map((c) => `${c.field}: ${c.message}`));
}

/**
 * Causes Okta is recorded answering, kept verbatim (no value appended), so a
 * client comparing texts sees Okta's.
 */
const BLANK = "The field cannot be left blank";
export const RECORDED_CAUSES = new Set(["'audiences' must be an array with exactly one value.", BLANK]);

/** The same, from a zod parse of a request body: each cause names the key, the value sent and what is accepted. */
export function validationFailedFromZod(error: ZodError, body: unknown): OktaApiError {
  return validationFailed(
    error.issues.map((issue) => {
      const field = issue.path.length ? issue.path.map(String).join(".") : "request";
      const sent = valueAt(body, issue.path);
      const blankButSent = issue.message === BLANK && sent !== undefined && sent !== "";
      if (RECORDED_CAUSES.has(issue.message) && !blankButSent) return { field, message: issue.message };
      if (issue.code === "invalid_type" && sent !== undefined) return { field, message: `must be ${issue.expected} (got ${JSON.stringify(sent)?.slice(0, 120)})` };
      const value = sent === undefined ? "missing" : `got ${JSON.stringify(sent)?.slice(0, 120)}`;
      return { field, message: `${issue.message} (${value})` };
    }),
  );
}

/** The value a zod issue path points at, for messages that name what was sent. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * E0000007, 404: `Not found: Resource not found: {id} ({Type})`. Recorded type names
 * (Okta recordings in reedship/simpleokta and terraform-provider-okta's VCR cassettes):
 * `AuthorizationServer`, `UserGroup`, `OAuth2AppInstance`, `User`, `AppInstance`.
 * ASSUMPTION: the others (`OAuth2Scope`, `OAuth2Claim`, `AuthorizationServerPolicy`,
 * `AuthorizationServerPolicyRule`, `Policy`, `AppGroup`, `AppUser`) are not recorded;
 * they follow the names of Okta's Java model classes.
 */
export type OktaResourceType =
  | "AuthorizationServer"
  | "OAuth2Scope"
  | "OAuth2Claim"
  | "AuthorizationServerPolicy"
  | "AuthorizationServerPolicyRule"
  | "AppInstance"
  | "OAuth2AppInstance"
  | "UserGroup"
  | "User"
  | "Policy"
  | "AppGroup"
  | "AppUser";

export function notFound(id: string, type: OktaResourceType): OktaApiError {
  return new OktaApiError(404, "E0000007", `Not found: Resource not found: ${id} (${type})`);
}

/**
 * A path Okta cannot resolve to any object: an id that is not valid
 * percent-encoding, or longer than any id. ASSUMPTION: Okta answers
 * E0000007 naming the id without a type (its catalogue's summary is
 * `Not found: {0}`); no recording shows either case.
 */
export function notFoundInPath(id: string): OktaApiError {
  const shown = id.length > 100 ? `${id.slice(0, 100)}…` : id;
  return new OktaApiError(404, "E0000007", `Not found: Resource not found: ${shown}`);
}

/** E0000011, 401, "Invalid token provided" (Okta error catalogue): missing or wrong `SSWS` token. */
export function invalidToken(): OktaApiError {
  return new OktaApiError(401, "E0000011", "Invalid token provided");
}

/** E0000003, 400, "The request body was not well-formed." (Okta error catalogue). */
export function malformedBody(detail: string): OktaApiError {
  return new OktaApiError(400, "E0000003", "The request body was not well-formed.", [detail]);
}

/**
 * ASSUMPTION: a body over okta-local's limit answers 413 with E0000003; Okta's
 * own limit and the code it answers with are not documented.
 */
export function bodyTooLarge(limitBytes: number): OktaApiError {
  return new OktaApiError(413, "E0000003", "The request body was not well-formed.", [`request body: larger than ${limitBytes} bytes`]);
}

/** E0000006, 403, "You do not have permission to perform the requested action" (Okta error catalogue). */
export function forbidden(cause: string): OktaApiError {
  return new OktaApiError(403, "E0000006", "You do not have permission to perform the requested action", [cause]);
}

/** E0000056, 400, "Delete application forbidden." (Okta error catalogue): an ACTIVE app cannot be deleted. */
export function deleteActiveApplication(appId: string): OktaApiError {
  return new OktaApiError(400, "E0000056", "Delete application forbidden.", [`${appId}: the app is ACTIVE; deactivate it first (POST /api/v1/apps/${appId}/lifecycle/deactivate)`]);
}

/** E0000031, 400, "Invalid search criteria." (Okta error catalogue): a `filter`/`search` okta-local cannot evaluate. */
export function invalidSearch(cause: string): OktaApiError {
  return new OktaApiError(400, "E0000031", "Invalid search criteria.", [cause]);
}

/**
 * What okta-local does not emulate answers 501 so a caller never mistakes it
 * for success. ASSUMPTION: E0000060 ("Unsupported operation.", Okta error
 * catalogue) is the closest code; Okta itself has no 501.
 */
export function notEmulated(method: string, path: string): OktaApiError {
  return new OktaApiError(501, "E0000060", "Unsupported operation.", [`okta-local does not emulate ${method} ${path}`]);
}
