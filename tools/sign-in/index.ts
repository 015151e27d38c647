/**
 * Sign-in as Stacklok's clients do it, for people (`npm run sign-in`), the
 * end-to-end tests and the demo, which drive the same code with their own
 * user agent.
 */
export { APPS, APP_TITLE, SignInRefused, isLoopbackHttp, signIn, startSignIn } from "./flow";
export type { AppName, AuthorizationRequest, SignInRequest, SignInResult, StartedSignIn, TokenEndpointAuthMethod, UserAgent } from "./flow";
export { SignInUsageError, cloudUiRedirectUri, loadStackOutputs, signInOutputsSchema } from "./outputs";
export type { LoadedOutputs, OutputsLookup, OutputsSource, SignInOutputs } from "./outputs";
export { decodeToken, renderSignIn, verifyForComponents } from "./report";
export type { DecodedToken } from "./report";
export { UserAgentError, loopbackBrowser, oktaLocalSignInForm, pastedRedirect } from "./userAgents";
export type { Credentials } from "./userAgents";
export { EXIT, INTENDED_COMPONENTS, USAGE, readStackSettings, runSignInCommand } from "./command";
export type { SignInIo, StackSettings } from "./command";
