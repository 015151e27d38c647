/** The generated per-component configs on the real engine: see ./support/generatedOnEngine.ts. */
import { it, expect } from "vitest";
import { generatedStacks } from "../support/generatedStacks";
import { describeGeneratedOnEngine } from "./support/generatedOnEngine";

const cases = generatedStacks().map((c, index) => ({ ...c, index })).filter((c) => c.config.mode === "per-component");

it("draws two per-component configs", () => expect(cases).toHaveLength(2));
describeGeneratedOnEngine(cases);
