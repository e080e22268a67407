/**
 * `gengov verify`: recompute every hash of every transition's manifest from chain data alone —
 * manifest bytes, text, previous state, the input hash chain, the spec and its embedding, the new
 * state, the parsed output and the rendered prompt — and, with `rerun`, ask the same model again and
 * diff its answer against what was proposed.
 */
import {
  decodeAbiParameters,
  getAbiItem,
  hexToString,
  keccak256,
  zeroHash,
  type Hex,
  type PublicClient,
} from "viem";

import { gengovExecutionAbi, gengovHubAbi } from "../chain/abis.js";
import { outputHash } from "../manifest/manifest.js";
import type { Manifest } from "../manifest/manifest.js";
import { canonicalJson } from "../models/canonicalJson.js";
import type { ExecuteRequest, Model, ModelSpec, ProposedAction } from "../models/types.js";
import { promptTemplates, renderPrompt } from "../prompts/render.js";
import { transitionHistory, type Payment, type TransitionStatus } from "./transitionStatus.js";

export type Check = { name: string; ok: boolean; detail: string };
export type TransitionReport = {
  epoch: bigint;
  candidateId: bigint;
  manifestHash: Hex;
  finalized: boolean;
  /** Where the transition stands: pending, challenged, upheld, lapsed, rejected or finalized. */
  status: TransitionStatus;
  /** The treasury payments it makes. */
  payments: Payment[];
  pass: boolean;
  checks: Check[];
  rerun?: { same: boolean; diff: string[] };
};

export type VerifyParameters = {
  client: PublicClient;
  hub: Hex;
  execution: Hex;
  agreementId: bigint;
  epoch?: bigint;
  /** Builds the model for --rerun from the manifest's spec. */
  rerun?: (spec: ModelSpec) => Model;
};

type Ordered = { blockNumber: bigint; logIndex: number };
const before = (a: Ordered, b: Ordered) =>
  a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);

const createAgreementInputs = getAbiItem({ abi: gengovHubAbi, name: "createAgreement" }).inputs;

export async function verifyTransitions(p: VerifyParameters): Promise<TransitionReport[]> {
  const { client, hub, execution, agreementId } = p;
  const events = async (
    address: Hex,
    abi: typeof gengovHubAbi | typeof gengovExecutionAbi,
    eventName: string,
  ) =>
    (
      (await client.getContractEvents({
        address,
        abi,
        eventName: eventName as never,
        fromBlock: 0n,
        args: { agreementId } as never,
      })) as unknown as {
        blockNumber: bigint;
        logIndex: number;
        args: Record<string, unknown>;
      }[]
    ).filter((l) => l.args.agreementId === agreementId);
  // An unknown agreement reverts AgreementUnknown here, before anything else is read.
  const [params, textHash] = (await client.readContract({
    address: hub,
    abi: gengovHubAbi,
    functionName: "agreement",
    args: [agreementId],
  })) as readonly [{ metrics: readonly { name: string; decimals: number; scale: bigint }[] }, Hex, bigint];
  const [created, inputs, proposed, finalized, history] = await Promise.all([
    events(hub, gengovHubAbi, "AgreementCreated"),
    events(hub, gengovHubAbi, "InputSubmitted"),
    events(execution, gengovExecutionAbi, "TransitionProposed"),
    events(execution, gengovExecutionAbi, "TransitionFinalized"),
    transitionHistory(client, execution, agreementId),
  ]);
  const chainId = await client.getChainId();
  const [, text] = decodeAbiParameters(createAgreementInputs, created[0].args.creation as Hex) as readonly [
    unknown,
    string,
  ];
  const reports: TransitionReport[] = [];

  for (const prop of proposed) {
    const a = prop.args as {
      epoch: bigint;
      candidateId: bigint;
      prevStateHash: Hex;
      inputsHash: Hex;
      newStateHash: Hex;
      manifestHash: Hex;
      newState: Hex;
      actions: readonly ProposedAction[];
      manifest: Hex;
      spec: Hex;
    };
    if (p.epoch !== undefined && a.epoch !== p.epoch) continue;
    const checks: Check[] = [];
    const check = (name: string, ok: boolean, detail = "") => checks.push({ name, ok, detail });
    const manifestText = hexToString(a.manifest);
    check("manifest.hash", keccak256(a.manifest) === a.manifestHash, a.manifestHash);
    let m: Manifest | undefined;
    try {
      m = JSON.parse(manifestText) as Manifest;
      check("manifest.canonical", canonicalJson(m) === manifestText);
    } catch (error) {
      check("manifest.canonical", false, `not JSON: ${(error as Error).message}`);
    }
    // The finalized state this proposal built on, and the inputs since it.
    const prior = finalized.filter((f) => before(f, prop)).at(-1);
    const priorState = prior
      ? proposed
          .filter(
            (q) =>
              before(q, prior) &&
              q.args.epoch === prior.args.epoch &&
              q.args.newStateHash === prior.args.stateHash,
          )
          .at(-1)
      : undefined;
    const prevStateHash = (prior?.args.stateHash as Hex | undefined) ?? zeroHash;
    check("state.previous", a.prevStateHash === prevStateHash, prevStateHash);
    const upTo = inputs.filter((i) => (i.args.epoch as bigint) <= a.epoch);
    let head: Hex = zeroHash;
    for (const i of upTo) {
      head = keccak256(
        `0x${head.slice(2)}${(i.args.sender as Hex).slice(2).toLowerCase()}${(i.args.data as Hex).slice(2)}` as Hex,
      );
    }
    check("inputs.chain", head === a.inputsHash, `recomputed ${head} from ${upTo.length} inputs`);
    const since = upTo.filter(
      (i) => prior === undefined || (i.args.epoch as bigint) > (prior.args.epoch as bigint),
    );
    const [, onChainSpecHash] = (await client.readContract({
      address: hub,
      abi: gengovHubAbi,
      functionName: "candidateOperator",
      args: [agreementId, a.candidateId],
    })) as readonly [Hex, Hex];
    check("spec.hash", keccak256(a.spec) === onChainSpecHash, onChainSpecHash);
    check("state.hash", keccak256(a.newState) === a.newStateHash);
    let newState: unknown;
    try {
      newState = JSON.parse(hexToString(a.newState));
      check("state.canonical", canonicalJson(newState) === hexToString(a.newState));
    } catch {
      check("state.canonical", false, "new state is not JSON");
    }
    if (m) {
      check(
        "manifest.binding",
        m.chainId === chainId &&
          m.hub.toLowerCase() === hub.toLowerCase() &&
          m.execution.toLowerCase() === execution.toLowerCase() &&
          m.agreementId === agreementId.toString() &&
          m.epoch === a.epoch.toString() &&
          m.candidateId === a.candidateId.toString() &&
          m.prevStateHash === a.prevStateHash &&
          m.inputsHash === a.inputsHash,
        "chain, contracts, agreement, epoch, candidate, prevStateHash, inputsHash",
      );
      check(
        "text.hash",
        m.textHash === textHash && keccak256(new TextEncoder().encode(text)) === textHash,
        textHash,
      );
      check("spec.embedded", canonicalJson(m.spec) === hexToString(a.spec));
      check(
        "inputs.count",
        m.inputs?.count === since.length,
        `${since.length} inputs since the last finalized transition`,
      );
      check(
        "output.hash",
        newState !== undefined && outputHash(newState, [...a.actions]) === m.response?.outputHash,
      );
      const outcomesOk = await Promise.all(
        (m.outcomes ?? []).map(async (o) => {
          const [status, values] = (await client.readContract({
            address: hub,
            abi: gengovHubAbi,
            functionName: "outcome",
            args: [agreementId, BigInt(o.epoch)],
          })) as readonly [number, readonly bigint[], number];
          return o.values === null
            ? status !== 1
            : status === 1 && values.map(String).join() === o.values.join();
        }),
      );
      check("outcomes.match", outcomesOk.every(Boolean), `${outcomesOk.length} epochs`);
      const request: ExecuteRequest = {
        agreementId,
        epoch: a.epoch,
        agreementText: text,
        state: priorState ? JSON.parse(hexToString(priorState.args.newState as Hex)) : {},
        inputs: since.map((i) => ({
          epoch: i.args.epoch as bigint,
          index: Number(i.args.index),
          sender: i.args.sender as Hex,
          data: hexToString(i.args.data as Hex),
        })),
        metrics: params.metrics.map((x) => ({ name: x.name, decimals: x.decimals, scale: x.scale })),
        history: (m.outcomes ?? []).map((o) => ({
          epoch: BigInt(o.epoch),
          outcome: o.values ? o.values.map(BigInt) : null,
          ...(o.pending ? { pending: true } : {}),
        })),
        scores: (m.scores ?? []).map((s) => ({ candidateId: BigInt(s.candidateId), score: BigInt(s.score) })),
        allowedTokens: (m.allowedTokens ?? []).map((t) => ({
          token: t.token,
          symbol: t.symbol,
          remaining: BigInt(t.remaining),
          balance: BigInt(t.balance),
        })),
      };
      const template = promptTemplates[m.prompt?.templateId as keyof typeof promptTemplates];
      if (!template) {
        check("prompt.hash", false, `unknown template ${m.prompt?.templateId}`);
      } else {
        const rendered = renderPrompt(
          template as never,
          { systemPrompt: m.spec.systemPrompt },
          request as never,
        );
        check(
          "prompt.hash",
          rendered.promptHash === m.prompt.promptHash,
          `${m.prompt.templateId} ${rendered.promptHash}`,
        );
      }
      var rerun: TransitionReport["rerun"]; // eslint-disable-line no-var
      if (p.rerun) {
        const again = await p.rerun(m.spec).execute(request);
        const was = canonicalJson({
          newState,
          actions: a.actions.map((x) => ({ ...x, amount: x.amount.toString() })),
        });
        const now = canonicalJson({
          newState: again.newState,
          actions: again.actions.map((x) => ({ ...x, amount: x.amount.toString() })),
        });
        rerun = { same: was === now, diff: was === now ? [] : [`- ${was}`, `+ ${now}`] };
      }
    }
    const entry = history.find((h) => h.blockNumber === prop.blockNumber && h.logIndex === prop.logIndex);
    reports.push({
      epoch: a.epoch,
      candidateId: a.candidateId,
      manifestHash: a.manifestHash,
      finalized: finalized.some((f) => f.args.epoch === a.epoch && f.args.stateHash === a.newStateHash),
      status: entry?.status ?? "pending",
      payments: entry?.payments ?? [],
      pass: checks.every((c) => c.ok),
      checks,
      ...(rerun! ? { rerun: rerun! } : {}),
    });
  }
  return reports;
}
