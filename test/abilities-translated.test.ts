/**
 * Every ability the section page lists has words in Dutch and English: a new verb in the policy
 * without them would show its raw key to people.
 */
import { describe, expect, it } from "vitest";
import en from "../app/i18n/locales/en/common.json";
import nl from "../app/i18n/locales/nl/common.json";
import { sectionActions } from "../server/policy";

describe("the abilities on the section page", () => {
  it.each([
    ["en", en.ability],
    ["nl", nl.ability],
  ] as const)("are all translated (%s)", (_locale, words) => {
    const missing = sectionActions.filter((action) => typeof (words as Record<string, unknown>)[action] !== "string");
    expect(missing).toEqual([]);
  });
});
