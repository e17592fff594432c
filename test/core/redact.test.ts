/** Redaction of every kind of secret a message may quote: Arraylake tokens, JWTs, bearer tokens, SAS signatures, Google tokens. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { redact } from "../../src/core/redact.ts";

test("tokens and signatures are replaced, the rest of the message kept", () => {
  const url = "PUT http://127.0.0.1:10000/devstoreaccount1/repos/x?sv=2021-08-06&sr=c&se=2026-01-01T00%3A00%3A00Z&sp=racwdl&sig=AbC%2Bd%2Fe%3D failed";
  assert.equal(redact(url), "PUT http://127.0.0.1:10000/devstoreaccount1/repos/x?sv=2021-08-06&sr=c&se=2026-01-01T00%3A00%3A00Z&sp=racwdl&sig=*** failed");
  assert.equal(redact("token ema_abc.DEF-1 rejected"), "token ema_*** rejected");
  assert.equal(redact("authorization: Bearer ya29.a0AfH6SM-x_y.z"), "authorization: Bearer ***");
  assert.equal(redact("gcs said no to ya29.a0AfH6SM-x_y.z today"), "gcs said no to ya29.*** today");
  assert.equal(redact("eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"), "<jwt:***>");
});
