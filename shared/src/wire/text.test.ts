import { describe, expect, it } from "vitest";
import { mutationArgsSchemas } from "./sync";
import { isStorableText, storableJson, storableJsonDocument, storableText } from "./text";

describe("text the database can store", () => {
  it("refuses NUL and lone surrogates, keeps whole surrogate pairs", () => {
    expect(isStorableText("Zoë 😀")).toBe(true);
    expect(isStorableText("a\u0000b")).toBe(false);
    expect(isStorableText("a\ud800b")).toBe(false);
    expect(isStorableText("a\udc00")).toBe(false);
    expect(isStorableText("\ud83d")).toBe(false);
  });

  it("strips NUL and replaces a lone surrogate with U+FFFD", () => {
    expect(storableText("gift\u0000wrap")).toBe("giftwrap");
    expect(storableText("x\ud800y😀")).toBe("x\ufffdy😀");
    expect(storableJson({ "k\u0000": ["a\u0000", 1, null, { n: "\udc00" }] })).toEqual({
      k: ["a", 1, null, { n: "\ufffd" }],
    });
  });

  it("keeps a JSON document's own text unless something in it cannot be stored", () => {
    const plain = '{"note":"\\ud83d\\ude00 ok"}';
    expect(storableJsonDocument(plain, JSON.parse(plain)).text).toBe(plain);
    const nul = '{"note":"gift\\u0000wrap","n":1}';
    const cleaned = storableJsonDocument(nul, JSON.parse(nul));
    expect(cleaned).toEqual({ text: '{"note":"giftwrap","n":1}', value: { note: "giftwrap", n: 1 } });
  });

  it("names the field when a mutation's text cannot be stored", () => {
    const parsed = mutationArgsSchemas["customer.capture"].safeParse({
      localId: crypto.randomUUID(),
      notes: "x\u0000",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(["notes"]);
    const note = mutationArgsSchemas["profile.note"].safeParse({ profileId: "p\u0000", note: "ok" });
    expect(note.error!.issues[0]!.path).toEqual(["profileId"]);
  });
});
