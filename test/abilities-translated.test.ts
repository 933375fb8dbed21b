/**
 * Every ability the section page lists has words in every language: a new verb in the policy
 * without them would show its raw key to people.
 */
import { describe, expect, it } from "vitest";
import de from "../app/i18n/locales/de/common.json";
import en from "../app/i18n/locales/en/common.json";
import fr from "../app/i18n/locales/fr/common.json";
import nl from "../app/i18n/locales/nl/common.json";
import { sectionActions } from "../server/policy";

describe("the abilities on the section page", () => {
  it.each([
    ["en", en.ability],
    ["nl", nl.ability],
    ["de", de.ability],
    ["fr", fr.ability],
  ] as const)("are all translated (%s)", (_locale, words) => {
    const missing = sectionActions.filter((action) => typeof (words as Record<string, unknown>)[action] !== "string");
    expect(missing).toEqual([]);
  });
});
