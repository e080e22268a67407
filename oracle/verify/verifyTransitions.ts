/**
 * `gengov verify`: recompute every hash of every transition's manifest from chain data alone —
 * manifest bytes, text, previous state, the input hash chain, the spec and its embedding, the new
 * state, the parsed output and the rendered prompt — and, with `rerun`, ask the same model again and
 * diff its answer against what was proposed. The transition's context (previous state, inputs, the
 * request) is rebuilt by `transitionContext`, the function the proposer builds it with.
 *
 * Every revealed jury vote on a transition is checked too (checks named `vote.<round>.<juror>.…`):
 * its manifest hashes to the vote's rationale hash, is canonical and well-formed, binds this vote,
 * embeds the juror's on-chain spec, and names the hash of the validate prompt rendered from the same
 * rebuilt context, the readings it states and the proposal as the chain has it.
 */
import { decodeAbiParameters, getAbiItem, hexToString, keccak256, type Hex, type PublicClient } from "viem";

import { gengovExecutionAbi, gengovHubAbi, gengovJuryAbi } from "../chain/abis.js";
import { proposalOf, requestReadings } from "../jobs/vote.js";
import { humanVoteManifestSchema, parseVoteManifest, type VoteManifest } from "../manifest/vote.js";
import { specHash } from "../models/spec.js";
import { manifestReadings, outputHash, parseManifest, type Manifest } from "../manifest/manifest.js";
import { canonicalJson } from "../models/canonicalJson.js";
import type { MetricInfo, Model, ModelSpec, ProposedAction } from "../models/types.js";
import { executeTemplates, renderPrompt, validateTemplates } from "../prompts/render.js";
import { hub as hubContract } from "../protocol/contracts.js";
import type { ProtocolEventArgs } from "../protocol/events.js";
import { OutcomeStatus } from "../protocol/generated.js";
import {
  transitionContext,
  type ChainInput,
  type TransitionContext,
  type TransitionSources,
} from "../transition/context.js";
import {
  transitionHistory,
  type Payment,
  type TransitionEntry,
  type TransitionStatus,
} from "./transitionStatus.js";

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
type ProposedArgs = ProtocolEventArgs<"TransitionProposed">;
type Proposal = Ordered & { args: ProposedArgs };
type VoteRevealed = Ordered & { args: ProtocolEventArgs<"VoteRevealed"> };

/** What verify reads from chain once per agreement. */
type ChainView = {
  chainId: number;
  text: string;
  textHash: Hex;
  metrics: MetricInfo[];
  inputs: ChainInput[];
  proposed: Proposal[];
  finalized: (Ordered & { args: ProtocolEventArgs<"TransitionFinalized"> })[];
  history: TransitionEntry[];
  /** The hub's jury (the zero address when none is attached) and every vote revealed on it. */
  jury: Hex;
  votes: VoteRevealed[];
  /** `TransitionOption` events: the option a proposal of an epoch with a decision carries. */
  options: (Ordered & { args: { epoch: bigint; option: number } })[];
};

/** The checks of one transition, in the order they ran. */
class Checks {
  readonly list: Check[] = [];
  add(name: string, ok: boolean, detail = "") {
    this.list.push({ name, ok, detail });
  }
}

const before = (a: Ordered, b: Ordered) =>
  a.blockNumber < b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex < b.logIndex);

const createAgreementInputs = getAbiItem({ abi: gengovHubAbi, name: "createAgreement" }).inputs;

export async function verifyTransitions(p: VerifyParameters): Promise<TransitionReport[]> {
  const chain = await readChain(p);
  const reports: TransitionReport[] = [];
  for (const prop of chain.proposed) {
    if (p.epoch !== undefined && prop.args.epoch !== p.epoch) continue;
    reports.push(await verifyProposal(p, chain, prop));
  }
  return reports;
}

async function readChain(p: VerifyParameters): Promise<ChainView> {
  const { client, hub, execution, agreementId } = p;
  const where = { args: { agreementId }, fromBlock: 0n, strict: true as const };
  const ofAgreement = <L extends { args: { agreementId: bigint } }>(logs: L[]) =>
    logs.filter((l) => l.args.agreementId === agreementId);
  const atHub = { ...where, address: hub, abi: gengovHubAbi };
  const atExecution = { ...where, address: execution, abi: gengovExecutionAbi };
  // An unknown agreement reverts AgreementUnknown here, before anything else is read.
  const [params, textHash] = await hubContract({ client, hub }).read("agreement", [agreementId]);
  const [created, inputs, proposed, finalized, history, options] = await Promise.all([
    client.getContractEvents({ ...atHub, eventName: "AgreementCreated" }).then(ofAgreement),
    client.getContractEvents({ ...atHub, eventName: "InputSubmitted" }).then(ofAgreement),
    client.getContractEvents({ ...atExecution, eventName: "TransitionProposed" }).then(ofAgreement),
    client.getContractEvents({ ...atExecution, eventName: "TransitionFinalized" }).then(ofAgreement),
    transitionHistory(client, execution, agreementId),
    client.getContractEvents({ ...atExecution, eventName: "TransitionOption" }).then(ofAgreement),
  ]);
  const [, text] = decodeAbiParameters(createAgreementInputs, created[0].args.creation);
  const jury = await hubContract({ client, hub }).read("jury", []);
  const votes =
    BigInt(jury) === 0n
      ? []
      : await client
          .getContractEvents({ ...where, address: jury, abi: gengovJuryAbi, eventName: "VoteRevealed" })
          .then(ofAgreement);
  return {
    jury,
    votes,
    options,
    chainId: await client.getChainId(),
    text,
    textHash,
    metrics: [...params.metrics],
    inputs: inputs.map((i) => ({
      epoch: i.args.epoch,
      index: Number(i.args.index),
      sender: i.args.sender,
      data: i.args.data,
    })),
    proposed,
    finalized,
    history,
  };
}

async function verifyProposal(
  p: VerifyParameters,
  chain: ChainView,
  prop: Proposal,
): Promise<TransitionReport> {
  const a = prop.args;
  const checks = new Checks();
  const m = checkManifest(checks, a);
  const context = transitionContext(contextSources(p, chain, prop, m));
  checks.add("state.previous", a.prevStateHash === context.prevStateHash, context.prevStateHash);
  const upTo = chain.inputs.filter((i) => i.epoch <= a.epoch).length;
  checks.add(
    "inputs.chain",
    context.inputsHash === a.inputsHash,
    `recomputed ${context.inputsHash} from ${upTo} inputs`,
  );
  const [, onChainSpecHash] = await hubContract(p).read("candidateOperator", [p.agreementId, a.candidateId]);
  checks.add("spec.hash", keccak256(a.spec) === onChainSpecHash, onChainSpecHash);
  const newState = checkNewState(checks, a);
  let rerun: TransitionReport["rerun"];
  if (m) {
    await checkAgainstManifest(p, chain, checks, { a, prop, m, context, newState });
    if (p.rerun) rerun = await rerunModel(p.rerun, m, context, { newState, actions: a.actions });
  }
  for (const vote of chain.votes) {
    const v = vote.args;
    if (v.epoch === a.epoch && v.proposer === a.candidateId) await checkVote(p, chain, checks, prop, vote);
  }
  const entry = chain.history.find((h) => h.blockNumber === prop.blockNumber && h.logIndex === prop.logIndex);
  return {
    epoch: a.epoch,
    candidateId: a.candidateId,
    manifestHash: a.manifestHash,
    finalized: chain.finalized.some((f) => f.args.epoch === a.epoch && f.args.stateHash === a.newStateHash),
    status: entry?.status ?? "pending",
    payments: entry?.payments ?? [],
    pass: checks.list.every((c) => c.ok),
    checks: checks.list,
    ...(rerun ? { rerun } : {}),
  };
}

/** manifest.hash, manifest.canonical and manifest.schema; the manifest when it can be read. */
function checkManifest(checks: Checks, a: ProposedArgs): Manifest | undefined {
  const text = hexToString(a.manifest);
  checks.add("manifest.hash", keccak256(a.manifest) === a.manifestHash, a.manifestHash);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    checks.add("manifest.canonical", false, `not JSON: ${(error as Error).message}`);
    return undefined;
  }
  checks.add("manifest.canonical", canonicalJson(value) === text);
  const parsed = parseManifest(value);
  if ("problem" in parsed) {
    checks.add("manifest.schema", false, `malformed manifest: ${parsed.problem}`);
    return undefined;
  }
  checks.add("manifest.schema", true);
  return parsed.manifest;
}

/**
 * What the proposer built this transition's context from: the state finalized before the proposal,
 * every input up to its epoch, and the values the manifest says were read at proposal time.
 */
function contextSources(
  p: VerifyParameters,
  chain: ChainView,
  prop: Proposal,
  m: Manifest | undefined,
): TransitionSources {
  const prior = chain.finalized.filter((f) => before(f, prop)).at(-1);
  const priorState = prior
    ? chain.proposed
        .filter(
          (q) =>
            before(q, prior) &&
            q.args.epoch === prior.args.epoch &&
            q.args.newStateHash === prior.args.stateHash,
        )
        .at(-1)
    : undefined;
  return {
    agreementId: p.agreementId,
    epoch: prop.args.epoch,
    agreementText: chain.text,
    metrics: chain.metrics,
    previous: {
      bytes: priorState?.args.newState ?? null,
      epoch: prior?.args.epoch ?? null,
    },
    inputs: chain.inputs,
    ...(m ? manifestReadings(m) : { history: [], scores: [], allowedTokens: [] }),
  };
}

/** state.hash and state.canonical; the new state document when it is JSON. */
function checkNewState(checks: Checks, a: ProposedArgs): unknown {
  checks.add("state.hash", keccak256(a.newState) === a.newStateHash);
  try {
    const newState: unknown = JSON.parse(hexToString(a.newState));
    checks.add("state.canonical", canonicalJson(newState) === hexToString(a.newState));
    return newState;
  } catch {
    checks.add("state.canonical", false, "new state is not JSON");
    return undefined;
  }
}

/** The checks that compare the manifest with the chain and the recomputed context. */
async function checkAgainstManifest(
  p: VerifyParameters,
  chain: ChainView,
  checks: Checks,
  t: { a: ProposedArgs; prop: Proposal; m: Manifest; context: TransitionContext; newState: unknown },
) {
  const { a, m, context } = t;
  checks.add(
    "manifest.binding",
    m.chainId === chain.chainId &&
      m.hub.toLowerCase() === p.hub.toLowerCase() &&
      m.execution.toLowerCase() === p.execution.toLowerCase() &&
      m.agreementId === p.agreementId.toString() &&
      m.epoch === a.epoch.toString() &&
      m.candidateId === a.candidateId.toString() &&
      m.prevStateHash === a.prevStateHash &&
      m.inputsHash === a.inputsHash,
    "chain, contracts, agreement, epoch, candidate, prevStateHash, inputsHash",
  );
  checks.add(
    "text.hash",
    m.textHash === chain.textHash && keccak256(new TextEncoder().encode(chain.text)) === chain.textHash,
    chain.textHash,
  );
  checks.add("spec.embedded", canonicalJson(m.spec) === hexToString(a.spec));
  checks.add(
    "inputs.count",
    m.inputs.count === context.inputs.count,
    `${context.inputs.count} inputs since the last finalized transition`,
  );
  checks.add(
    "output.hash",
    t.newState !== undefined && outputHash(t.newState, [...a.actions]) === m.response.outputHash,
  );
  // An epoch with a decision: the manifest names the option the proposal carries on chain
  // (`TransitionOption`, emitted right after `TransitionProposed`), and its label was in the prompt.
  const carried = chain.options.find(
    (o) => o.blockNumber === t.prop.blockNumber && o.logIndex === t.prop.logIndex + 1,
  );
  if (carried || m.decision)
    checks.add(
      "decision.option",
      carried !== undefined && m.decision?.option === carried.args.option,
      carried ? `option ${carried.args.option} on chain` : "no option on chain",
    );
  const outcomesOk = await outcomesMatch(p, m);
  checks.add("outcomes.match", outcomesOk.every(Boolean), `${outcomesOk.length} epochs`);
  checkPrompt(checks, m, context);
}

/** Whether each outcome the manifest cites is the hub's (null: not final on chain). */
function outcomesMatch(p: VerifyParameters, m: Manifest): Promise<boolean[]> {
  return Promise.all(
    m.outcomes.map(async (o) => {
      const [status, values] = await hubContract(p).read("outcome", [p.agreementId, BigInt(o.epoch)]);
      const final = status === OutcomeStatus.Final;
      return o.values === null ? !final : final && values.map(String).join() === o.values.join();
    }),
  );
}

/** prompt.hash: the prompt rendered from the recomputed context is the one the manifest names. */
function checkPrompt(checks: Checks, m: Manifest, context: TransitionContext) {
  const template = Object.hasOwn(executeTemplates, m.prompt.templateId)
    ? executeTemplates[m.prompt.templateId]
    : undefined;
  if (!template) {
    checks.add("prompt.hash", false, `unknown template ${m.prompt.templateId}`);
    return;
  }
  const rendered = renderPrompt(template, { systemPrompt: m.spec.systemPrompt }, context.request);
  const same = rendered.promptHash === m.prompt.promptHash;
  checks.add(
    "prompt.hash",
    same,
    `${m.prompt.templateId} ${rendered.promptHash}` +
      (same
        ? ""
        : ` rendered from chain data, the manifest names ${m.prompt.promptHash}: the prompt is not reproducible from the previous state and inputs`),
  );
}

/** Asks the manifest's model again with the recomputed request and diffs its answer. */
async function rerunModel(
  createModel: (spec: ModelSpec) => Model,
  m: Manifest,
  context: TransitionContext,
  proposed: { newState: unknown; actions: readonly ProposedAction[] },
): Promise<NonNullable<TransitionReport["rerun"]>> {
  const again = await createModel(m.spec).execute(context.request);
  const was = canonicalJson({
    newState: proposed.newState,
    actions: proposed.actions.map((x) => ({ ...x, amount: x.amount.toString() })),
  });
  const now = canonicalJson({
    newState: again.newState,
    actions: again.actions.map((x) => ({ ...x, amount: x.amount.toString() })),
  });
  return { same: was === now, diff: was === now ? [] : [`- ${was}`, `+ ${now}`] };
}

/**
 * The checks of one revealed vote on `prop`: its manifest's hash, form and binding, the juror's
 * spec, and the validate prompt's hash rendered from chain data and the readings the manifest states.
 */
async function checkVote(
  p: VerifyParameters,
  chain: ChainView,
  checks: Checks,
  prop: Proposal,
  vote: VoteRevealed,
) {
  const v = vote.args;
  const name = `vote.${v.round}.${v.jurorId}`;
  checks.add(`${name}.hash`, keccak256(v.manifest) === v.rationaleHash, v.rationaleHash);
  const text = hexToString(v.manifest);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    checks.add(`${name}.canonical`, false, `not JSON: ${(error as Error).message}`);
    return;
  }
  checks.add(`${name}.canonical`, canonicalJson(value) === text);
  const binding = (
    m: Pick<
      VoteManifest,
      "chainId" | "jury" | "agreementId" | "epoch" | "proposer" | "round" | "jurorId" | "vote"
    >,
  ) =>
    checks.add(
      `${name}.binding`,
      m.chainId === chain.chainId &&
        m.jury.toLowerCase() === chain.jury.toLowerCase() &&
        m.agreementId === p.agreementId.toString() &&
        m.epoch === v.epoch.toString() &&
        m.proposer === v.proposer.toString() &&
        m.round === v.round &&
        m.jurorId === v.jurorId.toString() &&
        m.vote === (v.accept ? "accept" : "reject"),
      `${v.accept ? "accept" : "reject"}: chain, jury, agreement, epoch, proposer, round, juror, vote`,
    );
  // A vote its operator cast by hand (gengov jury vote) states no model call: form and binding only.
  if ((value as { operator?: unknown } | null)?.operator === "human") {
    const human = humanVoteManifestSchema.safeParse(value);
    if (!human.success) {
      const issue = human.error.issues[0];
      checks.add(
        `${name}.schema`,
        false,
        `malformed vote manifest: ${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
      return;
    }
    checks.add(`${name}.schema`, true, "cast by hand (operator: human): no model call to check");
    binding(human.data);
    return;
  }
  const parsed = parseVoteManifest(value);
  if ("problem" in parsed) {
    checks.add(`${name}.schema`, false, `malformed vote manifest: ${parsed.problem}`);
    return;
  }
  checks.add(`${name}.schema`, true);
  const m: VoteManifest = parsed.manifest;
  binding(m);
  const [, onChainSpecHash] = await hubContract(p).read("candidateOperator", [p.agreementId, v.jurorId]);
  checks.add(
    `${name}.spec`,
    specHash(m.spec) === m.specHash && m.specHash === onChainSpecHash,
    onChainSpecHash,
  );
  const template = Object.hasOwn(validateTemplates, m.call.templateId)
    ? validateTemplates[m.call.templateId]
    : undefined;
  if (!template) {
    checks.add(`${name}.prompt.hash`, false, `unknown template ${m.call.templateId}`);
    return;
  }
  const context = transitionContext({
    ...contextSources(p, chain, prop, undefined),
    ...requestReadings(m.readings),
  });
  const request = { ...context.request, proposal: proposalOf(prop.args) };
  const rendered = renderPrompt(template, { systemPrompt: m.spec.systemPrompt }, request);
  const same = rendered.promptHash === m.call.promptHash;
  checks.add(
    `${name}.prompt.hash`,
    same,
    `${m.call.templateId} ${rendered.promptHash}` +
      (same
        ? ""
        : ` rendered from chain data, the vote manifest names ${m.call.promptHash}: the juror's prompt is not reproducible from the previous state, inputs and proposal`),
  );
}
