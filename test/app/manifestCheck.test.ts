/**
 * The app's in-browser manifest check and agreement read, on a chain: an honest proposal reads
 * "verified"; one whose manifest lies about its prompt (accepted by the contract, whose arguments stay
 * consistent) reads "failed: prompt.hash …". The summary itself is checked on hand-made reports.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { keccak256, stringToHex, type PublicClient } from "viem";

import { loadAgreement } from "../../app/src/lib/chain.js";
import { checkManifests, manifestSummary, proposalKey } from "../../app/src/lib/manifestCheck.js";
import { specHash } from "../../oracle/models/spec.js";
import { deployCli, proposeDoctored, type CliFixture, type Doctor } from "../fixtures/cli.js";
import { scoreOnce, WAD } from "../fixtures/hub.js";
import { testSpec } from "../fixtures/node.js";

describe("app: manifest check", function () {
  this.timeout(120_000);

  it("summary: verified when every check holds, else the failed checks with their details", () => {
    const ok = { name: "manifest.hash", ok: true, detail: "0x01" };
    expect(manifestSummary({ checks: [ok] })).to.equal("verified");
    expect(
      manifestSummary({
        checks: [
          ok,
          { name: "prompt.hash", ok: false, detail: "execute/v2 0xab" },
          { name: "x", ok: false, detail: "" },
        ],
      }),
    ).to.equal("failed: prompt.hash (execute/v2 0xab), x");
  });

  describe("on a chain", () => {
    let x: CliFixture;
    let client: PublicClient;
    const CASES = {
      honest: {},
      tampered: {
        manifest: (m) => ({
          ...m,
          prompt: { ...m.prompt, promptHash: keccak256(stringToHex("another prompt")) },
        }),
      },
    } satisfies Record<string, Doctor>;
    const ids = {} as Record<keyof typeof CASES, bigint>;
    let E = 0n;
    const spec = testSpec("keen-eye");

    before(async () => {
      x = await deployCli(await network.create());
      client = x.publicClient as unknown as PublicClient;
      let lastGenesis = 0n;
      const scored: Parameters<typeof scoreOnce>[1] = [];
      for (const name of Object.keys(CASES) as (keyof typeof CASES)[]) {
        const { agreementId, genesis } = await x.createDirect({ minScored: 0 });
        ids[name] = agreementId;
        lastGenesis = genesis;
        scored.push({ agreementId, genesis, candidateId: 1n, operator: 4 });
        await x.hub.write.registerCandidate([agreementId, specHash(spec), 100n * WAD, x.as(4).address], {
          account: x.wallets[4].account,
        });
        await x.hub.write.submitInput([agreementId, stringToHex("boat 3 asks for a smaller share")], {
          account: x.wallets[13].account,
        });
      }
      E = await scoreOnce(x, scored);
      await x.networkHelpers.time.increaseTo(lastGenesis + (E + 1n) * 3600n + 1n);
      for (const [name, doctor] of Object.entries(CASES) as [keyof typeof CASES, Doctor][]) {
        await proposeDoctored(x, {
          agreementId: ids[name],
          epoch: E,
          candidateId: 1n,
          spec,
          operator: 4,
          doctor,
        });
      }
    });

    it("an honest proposal is verified, a tampered one fails on its prompt hash", async () => {
      for (const [name, expected] of [
        ["honest", /^verified$/],
        [
          "tampered",
          /^failed: prompt\.hash \(execute\/v\d+ 0x[0-9a-f]{64} rendered from chain data, the manifest names 0x[0-9a-f]{64}: the prompt is not reproducible from the previous state and inputs\)$/,
        ],
      ] as const) {
        const checks = await checkManifests(client, x.hub.address, x.execution.address, ids[name]);
        expect(checks.size).to.equal(1);
        expect([...checks.values()][0]).to.match(expected);
        const d = await loadAgreement(client, x.hub.address, ids[name]);
        expect(d.transitions).to.have.length(1);
        const t = d.transitions[0];
        expect(checks.get(proposalKey(t.epoch, t.manifestHash))).to.match(expected);
        expect(t.manifestCheck).to.match(expected);
        expect(t.epoch).to.equal(E);
        expect(t.status).to.equal("pending");
      }
    });

    it("the agreement read: text hash matches, the candidate, the input, the live proposal", async () => {
      const d = await loadAgreement(client, x.hub.address, ids.honest);
      expect(d.textMatches).to.equal(true);
      expect(keccak256(stringToHex(d.text))).to.equal(d.textHash);
      expect(d.candidates.map((c) => c.id)).to.deep.equal([1n]);
      expect(d.candidates[0].view.bond).to.equal(100n * WAD);
      expect(d.inputs.map((i) => i.text)).to.deep.equal(["boat 3 asks for a smaller share"]);
      expect(d.live).to.include({ epoch: E, candidateId: 1n, status: 1 });
      expect(d.reveals.map((r) => r.candidateId)).to.deep.equal([1n]);
      expect(d.bondToken.address.toLowerCase()).to.equal(x.token.address.toLowerCase());
    });

    it("chain time runs on from when the latest block was first seen, not from each read", async () => {
      const sleep = () => new Promise((r) => setTimeout(r, 30));
      const first = await loadAgreement(client, x.hub.address, ids.honest);
      await sleep();
      const again = await loadAgreement(client, x.hub.address, ids.honest);
      expect(again.now).to.equal(first.now);
      expect(again.nowSeenAt).to.equal(first.nowSeenAt);
      await x.networkHelpers.mine();
      await sleep();
      const next = await loadAgreement(client, x.hub.address, ids.honest);
      expect(next.nowSeenAt).to.be.greaterThan(first.nowSeenAt);
    });
  });
});
