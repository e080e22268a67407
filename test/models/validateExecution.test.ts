import { expect } from "chai";
import { zeroAddress } from "viem";

import { ModelError } from "../../oracle/errors/BaseError.js";
import type { ProposedAction } from "../../oracle/models/types.js";
import {
  assertValidExecution,
  ExecutionPolicyError,
  MAX_ACTIONS,
  MAX_STATE_BYTES,
  validateExecution,
  type PolicyViolation,
} from "../../oracle/models/validateExecution.js";
import { ALICE, executeRequest, MALLORY, TOKEN_A, TOKEN_B, TOKEN_OFF_LIST } from "../fixtures/models.js";

const request = executeRequest(); // A: cap 1000, balance 1e6; B: cap 500, balance 400

function pay(amount: bigint, token: string = TOKEN_A, to: string = ALICE): ProposedAction {
  return { token: token as `0x${string}`, to: to as `0x${string}`, amount };
}

function rules(newState: unknown, actions: ProposedAction[]): PolicyViolation["rule"][] {
  const error = validateExecution({ newState, actions }, request);
  return error ? error.violations.map((v) => v.rule) : [];
}

describe("validateExecution: the node's policy check", () => {
  it("test_validAnswer_passes", () => {
    expect(validateExecution({ newState: { a: 1 }, actions: [] }, request)).to.equal(null);
    expect(rules({}, [pay(1000n), pay(400n, TOKEN_B, MALLORY)])).to.deep.equal([]);
    // Addresses match whatever their case.
    expect(
      rules({}, [pay(1n, TOKEN_A.toUpperCase().replace("0X", "0x"), ALICE.toLowerCase())]),
    ).to.deep.equal([]);
    expect(() => assertValidExecution({ newState: {}, actions: [pay(1n)] }, request)).to.not.throw();
  });

  it("test_cap_isInclusive_atTheEdge", () => {
    expect(rules({}, [pay(999n)])).to.deep.equal([]);
    expect(rules({}, [pay(1000n)])).to.deep.equal([]);
    expect(rules({}, [pay(1001n)])).to.deep.equal(["overCap"]);
    // Per token, summed over actions.
    expect(rules({}, [pay(600n), pay(400n, TOKEN_A, MALLORY)])).to.deep.equal([]);
    expect(rules({}, [pay(600n), pay(401n, TOKEN_A, MALLORY)])).to.deep.equal(["overCap"]);
  });

  it("test_balance_boundsTheTotalBelowTheCap", () => {
    expect(rules({}, [pay(400n, TOKEN_B)])).to.deep.equal([]);
    expect(rules({}, [pay(401n, TOKEN_B)])).to.deep.equal(["overBalance"]);
    expect(rules({}, [pay(501n, TOKEN_B)])).to.deep.equal(["overCap", "overBalance"]);
  });

  it("test_tokens_recipients_andAmounts", () => {
    expect(rules({}, [pay(1n, TOKEN_OFF_LIST)])).to.deep.equal(["tokenNotAllowed"]);
    expect(rules({}, [pay(1n, "FISH")])).to.deep.equal(["badToken"]);
    expect(rules({}, [pay(1n, TOKEN_A, zeroAddress)])).to.deep.equal(["zeroRecipient"]);
    expect(rules({}, [pay(1n, TOKEN_A, "0x1234")])).to.deep.equal(["badRecipient"]);
    expect(rules({}, [pay(1n, TOKEN_A, "alice.eth")])).to.deep.equal(["badRecipient"]);
    expect(rules({}, [pay(0n)])).to.deep.equal(["zeroAmount"]);
    expect(rules({}, [pay(-5n)])).to.deep.equal(["zeroAmount"]);
  });

  it("test_actionCount_isCapped_atTheEdge", () => {
    expect(
      rules(
        {},
        Array.from({ length: MAX_ACTIONS }, () => pay(1n)),
      ),
    ).to.deep.equal([]);
    expect(
      rules(
        {},
        Array.from({ length: MAX_ACTIONS + 1 }, () => pay(1n)),
      ),
    ).to.deep.equal(["tooManyActions"]);
  });

  it("test_state_mustBeAnObject_ofBoundedCanonicalSize", () => {
    // {"s":"…"} is 8 bytes plus the string.
    expect(rules({ s: "x".repeat(MAX_STATE_BYTES - 8) }, [])).to.deep.equal([]);
    expect(rules({ s: "x".repeat(MAX_STATE_BYTES - 7) }, [])).to.deep.equal(["stateTooLarge"]);
    // Bytes, not characters: é is two bytes in UTF-8.
    expect(rules({ s: "é".repeat(MAX_STATE_BYTES / 2 - 3) }, [])).to.deep.equal(["stateTooLarge"]);
    expect(rules([], [])).to.deep.equal(["stateNotObject"]);
    expect(rules(null, [])).to.deep.equal(["stateNotObject"]);
    expect(rules("{}", [])).to.deep.equal(["stateNotObject"]);
    expect(rules({ n: 10n }, [])).to.deep.equal(["stateNotObject"]);
  });

  it("test_error_isAPolicyModelError_namingEveryViolation", () => {
    const error = validateExecution(
      { newState: {}, actions: [pay(5000n, TOKEN_A, MALLORY), pay(1n, TOKEN_OFF_LIST, MALLORY)] },
      request,
    );
    expect(error).to.be.instanceOf(ExecutionPolicyError);
    expect(error).to.be.instanceOf(ModelError);
    expect(error!.kind).to.equal("policy");
    expect(error!.violations.map((v) => [v.rule, v.action])).to.deep.equal([
      ["tokenNotAllowed", 1],
      ["overCap", undefined],
    ]);
    expect(error!.shortMessage).to.contain("is not allowed");
    expect(error!.details).to.contain("exceeds the remaining cap 1000");
    expect(() => assertValidExecution({ newState: {}, actions: [pay(5000n)] }, request)).to.throw(
      ExecutionPolicyError,
      /remaining cap/,
    );
  });
});
