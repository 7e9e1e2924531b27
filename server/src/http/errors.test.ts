import { consentPostSchema } from "@c360/shared";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type HttpError, fieldIssues, parseOr400 } from "./errors";

const capture = {
  id: crypto.randomUUID(),
  profileId: "p-1",
  channel: "email",
  action: "granted",
  textVersion: 1,
  text: "Yes",
  locale: "en",
  actedAt: "2026-11-25T11:00:00Z",
  source: "pos",
};

function refusal(value: unknown): HttpError {
  try {
    parseOr400(consentPostSchema, value);
  } catch (error) {
    return error as HttpError;
  }
  throw new Error("expected a refusal");
}

describe("field issues", () => {
  it("names the field inside a batch of captures, not zod's bare 'Invalid input'", () => {
    const error = refusal({ consents: [capture, { ...capture, id: crypto.randomUUID(), channel: "fax" }] });
    expect(error.status).toBe(400);
    expect(error.fields).toEqual([{ field: "consents.1.channel", message: expect.stringMatching(/email|sms/) }]);
    expect(error.message).toMatch(/^request body is not valid: consents\.1\.channel: /);
  });

  it("names the field of a single capture", () => {
    const error = refusal({ ...capture, actedAt: "yesterday" });
    expect(error.fields?.map((f) => f.field)).toEqual(["actedAt"]);
  });

  it("keeps plain object paths as they are", () => {
    const result = z
      .object({ settings: z.object({ atRiskDays: z.number().min(1) }) })
      .safeParse({ settings: { atRiskDays: 0 } });
    expect(result.success).toBe(false);
    expect(fieldIssues(result.error!)).toEqual([{ field: "settings.atRiskDays", message: expect.stringMatching(/1/) }]);
  });
});
