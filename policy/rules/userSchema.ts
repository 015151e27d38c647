/**
 * Checks on custom user-profile attributes (`okta.UserSchemaProperty`), such
 * as the `roles` attribute behind the roles claim.
 */
import { OktaType } from "../../components/facts";
import { asString, type Check, show, type Violation } from "./check";

/**
 * What an attribute needs so Okta accepts it and a replacement keeps it.
 * From terraform-provider-okta `user_schema_property.go` and
 * `resource_okta_user_custom_schema_property.go`: `title` is required (the
 * API's minimum length is 1); an array attribute's item type is sent only
 * when `arrayType` is set (ASSUMPTION: Okta rejects an array without it);
 * create is a partial update of the schema at the same `index` and delete
 * removes that index, so Pulumi's default create-before-delete replacement
 * would delete the attribute it just wrote.
 */
export const userSchemaAttributeIsComplete: Check = (type, props, context) => {
  if (type !== OktaType.userSchemaProperty) return [];
  const violations: Violation[] = [];
  if (props.type === "array" && (asString(props.arrayType) ?? "") === "") {
    violations.push({
      property: "arrayType",
      message:
        `arrayType is ${show(props.arrayType)} on an array attribute; accepted: the item type, e.g. "string". ` +
        `The provider sends the array's item type only when arrayType is set.`,
    });
  }
  const title = asString(props.title);
  if (title === undefined || title === "") {
    violations.push({
      property: "title",
      message: `title is ${show(props.title)}; accepted: a non-empty display name. Okta rejects an empty title.`,
    });
  }
  if (context.deleteBeforeReplace !== true) {
    violations.push({
      property: "deleteBeforeReplace",
      message:
        `the resource option deleteBeforeReplace is ${show(context.deleteBeforeReplace)}; accepted: true. Creating ` +
        `this attribute writes the schema at its index and deleting it removes that index, so a replacement would ` +
        `create then delete the same attribute: set deleteBeforeReplace.`,
    });
  }
  return violations;
};
