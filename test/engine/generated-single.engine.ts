/** The generated single-mode configs on the real engine: see ./support/generatedOnEngine.ts. */
import { it, expect } from "vitest";
import { generatedStacks } from "../support/generatedStacks";
import { describeGeneratedOnEngine } from "./support/generatedOnEngine";

const cases = generatedStacks().map((c, index) => ({ ...c, index })).filter((c) => c.config.mode === "single");

it("draws two single-mode configs", () => expect(cases).toHaveLength(2));
describeGeneratedOnEngine(cases);
