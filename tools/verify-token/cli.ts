/**
 * Entry point of `npm run verify-token`. Everything it does is in command.ts.
 */
import { runAsProcess } from "../commandLine";
import { runVerifyTokenCommand } from "./command";

runAsProcess("verify-token", runVerifyTokenCommand);
