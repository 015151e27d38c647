/**
 * Entry point of `npm run sign-in`. Everything it does is in command.ts.
 */
import { runAsProcess } from "../commandLine";
import { runSignInCommand } from "./command";

runAsProcess("sign-in", runSignInCommand);
