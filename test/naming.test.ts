import { describe, expect, it } from "vitest";
import { OktaType } from "../components/facts";
import { MARKER_FIELD_LIMITS, MARKER_FIELDS, markedDescription, markerIn, stackMarker } from "../components/naming";

describe("the stack marker", () => {
  it("names the stack and the Pulumi name, and reads back both formats", () => {
    expect(stackMarker("stacklok-identity/dev", "cli-desktop")).toBe("resource cli-desktop managed by Pulumi stack stacklok-identity/dev");
    expect(markerIn("People who may sign in (dev); resource access-group managed by Pulumi stack stacklok-identity/dev")).toEqual({ stackId: "stacklok-identity/dev", name: "access-group" });
    expect(markerIn("Stacklok Enterprise: tokens for the Enterprise Manager (prod), managed by Pulumi stack stacklok-identity/prod")).toEqual({ stackId: "stacklok-identity/prod" });
    expect(markerIn("managed by Pulumi stack p/s but then more text")).toBeUndefined();
    expect(markerIn("Default Authorization Server for your Applications")).toBeUndefined();
    expect(markerIn(null)).toBeUndefined();
  });

  it("fits the app's admin note even with the longest project and stack names Pulumi allows (100 characters each)", () => {
    const marker = stackMarker(`${"p".repeat(100)}/${"s".repeat(100)}`, "cli-desktop");
    expect(marker.length).toBeLessThanOrEqual(MARKER_FIELD_LIMITS.appAdminNote);
  });

  it("keeps the marker when a description would be too long, and the description when even the marker is", () => {
    const marker = stackMarker("p/s", "shared-access-policy");
    expect(markedDescription("Stacklok clients", marker, 255)).toBe(`Stacklok clients; ${marker}`);
    expect(markedDescription("x".repeat(250), marker, 255)).toBe(marker);
    expect(markedDescription("y".repeat(300), "z".repeat(300), 255)).toBe("y".repeat(255));
  });

  it("decides for every Okta type the program creates where the marker goes, or what identifies the object instead", () => {
    expect(Object.keys(MARKER_FIELDS).sort()).toEqual(Object.values(OktaType).sort());
    for (const decision of Object.values(MARKER_FIELDS)) {
      expect(decision.field !== undefined || ("identifiedBy" in decision && decision.identifiedBy.length > 0)).toBe(true);
    }
  });
});
