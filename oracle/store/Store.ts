/**
 * The node's durable local store: one SQLite file per node (node:sqlite), WAL journal with
 * synchronous=FULL so a committed write survives a crash or power loss, and numbered migrations.
 * Everything that must survive a crash is written here before the transaction that depends on it
 * is broadcast: forecast values and salts, every transaction attempt, proposals and manifests.
 */
import { DatabaseSync } from "node:sqlite";

import type { Hex } from "viem";

import type { ProtocolEventArgs, ProtocolEventName, ProtocolLog, ScannedLog } from "../protocol/events.js";

const MIGRATIONS: string[] = [
  // 1: initial schema
  `CREATE TABLE forecasts (
     agreement_id TEXT NOT NULL, candidate_id TEXT NOT NULL, target_epoch TEXT NOT NULL,
     chain_id INTEGER NOT NULL, hub TEXT NOT NULL,
     values_json TEXT NOT NULL, salt TEXT NOT NULL, commitment TEXT NOT NULL,
     status TEXT NOT NULL, rationale TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (chain_id, hub, agreement_id, candidate_id, target_epoch));
   CREATE TABLE tx_attempts (
     id INTEGER PRIMARY KEY AUTOINCREMENT, job_key TEXT NOT NULL, account TEXT NOT NULL,
     nonce INTEGER NOT NULL, hash TEXT NOT NULL, raw TEXT NOT NULL, max_fee TEXT NOT NULL,
     max_priority_fee TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX tx_attempts_job ON tx_attempts (job_key);
   CREATE INDEX tx_attempts_nonce ON tx_attempts (account, nonce);
   CREATE TABLE nonces (account TEXT PRIMARY KEY, next_nonce INTEGER NOT NULL);
   CREATE TABLE proposals (
     agreement_id TEXT NOT NULL, epoch TEXT NOT NULL, candidate_id TEXT NOT NULL,
     chain_id INTEGER NOT NULL, hub TEXT NOT NULL,
     new_state TEXT NOT NULL, actions_json TEXT NOT NULL, manifest TEXT NOT NULL, spec TEXT NOT NULL,
     status TEXT NOT NULL, created_at INTEGER NOT NULL,
     PRIMARY KEY (chain_id, hub, agreement_id, epoch, candidate_id));
   CREATE TABLE logs (
     chain_id INTEGER NOT NULL, block_number INTEGER NOT NULL, block_hash TEXT NOT NULL,
     log_index INTEGER NOT NULL, address TEXT NOT NULL, event TEXT NOT NULL, args_json TEXT NOT NULL,
     PRIMARY KEY (chain_id, block_number, log_index));
   CREATE TABLE scanned_blocks (chain_id INTEGER NOT NULL, block_number INTEGER NOT NULL,
     block_hash TEXT NOT NULL, PRIMARY KEY (chain_id, block_number));
   CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 2: logs are read by event (the node checks each epoch whether its candidates asked to exit)
  `CREATE INDEX logs_event ON logs (chain_id, event, block_number, log_index);`,
  // 3: jury votes (a seat, then its vote, manifest and salt, stored before the commit is sent)
  `CREATE TABLE votes (
     chain_id INTEGER NOT NULL, hub TEXT NOT NULL, agreement_id TEXT NOT NULL, epoch TEXT NOT NULL,
     proposer TEXT NOT NULL, round INTEGER NOT NULL, juror_id TEXT NOT NULL, seat INTEGER NOT NULL,
     commit_ends_at TEXT NOT NULL, reveal_ends_at TEXT NOT NULL,
     accept INTEGER, manifest TEXT, salt TEXT, commitment TEXT,
     status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (chain_id, hub, agreement_id, epoch, proposer, round, juror_id));
   CREATE INDEX votes_status ON votes (chain_id, hub, status);`,
  // 4: judgement lists (the full list, its sum-tree root and salt, stored before the commit is sent)
  `CREATE TABLE judgement_lists (
     chain_id INTEGER NOT NULL, hub TEXT NOT NULL, agreement_id TEXT NOT NULL, round TEXT NOT NULL,
     candidate_id TEXT NOT NULL, weights_json TEXT NOT NULL, root TEXT NOT NULL, salt TEXT NOT NULL,
     commitment TEXT NOT NULL, rationale TEXT, status TEXT NOT NULL,
     created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (chain_id, hub, agreement_id, round, candidate_id));`,
  // 5: conditional forecasts (futarchy mode: a vector per option, the option set's hash and the salt,
  // stored before the commit is sent)
  `CREATE TABLE conditional_forecasts (
     chain_id INTEGER NOT NULL, hub TEXT NOT NULL, agreement_id TEXT NOT NULL, epoch TEXT NOT NULL,
     candidate_id TEXT NOT NULL, option_set_hash TEXT NOT NULL, labels_json TEXT NOT NULL,
     forecasts_json TEXT NOT NULL, salt TEXT NOT NULL, commitment TEXT NOT NULL, rationale TEXT,
     status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
     PRIMARY KEY (chain_id, hub, agreement_id, epoch, candidate_id));`,
];

export type ForecastStatus = "persisted" | "committed" | "revealed" | "void" | "missed";

export type ForecastRow = {
  agreementId: bigint;
  candidateId: bigint;
  targetEpoch: bigint;
  values: bigint[];
  salt: Hex;
  commitment: Hex;
  status: ForecastStatus;
  rationale: string | null;
};

export type TxAttemptRow = {
  id: number;
  jobKey: string;
  account: Hex;
  nonce: number;
  hash: Hex;
  raw: Hex;
  maxFee: bigint;
  maxPriorityFee: bigint;
  status: "sent" | "mined" | "failed" | "replaced";
};

export type ProposalRow = {
  agreementId: bigint;
  epoch: bigint;
  candidateId: bigint;
  newState: string;
  actionsJson: string;
  manifest: string;
  spec: string;
  status: "built" | "sent" | "proposed" | "abandoned";
};

/**
 * A jury seat of one of the node's candidates: "seated" (nothing decided yet), "persisted" (vote,
 * manifest and salt on disk, the commit not known to be mined), "committed", "revealed", "missed"
 * (a window passed without this vote), "done" (the vote is closed; nothing more to do).
 */
export type VoteStatus = "seated" | "persisted" | "committed" | "revealed" | "missed" | "done";

export type VoteRow = {
  agreementId: bigint;
  epoch: bigint;
  proposer: bigint;
  round: number;
  jurorId: bigint;
  /** The juror's index in the vote's seats (commitVote and revealVote take it). */
  seat: number;
  commitEndsAt: bigint;
  revealEndsAt: bigint;
  accept: boolean | null;
  /** The vote's manifest (canonical JSON); keccak256 of its bytes is the rationale hash. */
  manifest: string | null;
  salt: Hex | null;
  commitment: Hex | null;
  status: VoteStatus;
};

export type VoteKey = Pick<VoteRow, "agreementId" | "epoch" | "proposer" | "round" | "jurorId">;

/**
 * A candidate's list in a judgement round: "persisted" (list, root and salt on disk, the commit not
 * known to be mined), "committed", "revealed", "missed" (the reveal window passed without it).
 */
export type ListStatus = "persisted" | "committed" | "revealed" | "missed";

export type ListRow = {
  agreementId: bigint;
  round: bigint;
  candidateId: bigint;
  /** The full list: WAD weights in item order, summing to 1e18. */
  weights: bigint[];
  /** Its sum-tree root. */
  root: Hex;
  salt: Hex;
  commitment: Hex;
  rationale: string | null;
  status: ListStatus;
};

/**
 * A candidate's conditional forecast of a decision epoch (futarchy mode): "persisted" (forecasts,
 * option set and salt on disk, the commit not known to be mined), "committed", "revealed", "missed"
 * (the reveal window passed without it).
 */
export type ConditionalStatus = "persisted" | "committed" | "revealed" | "missed";

export type ConditionalRow = {
  agreementId: bigint;
  epoch: bigint;
  candidateId: bigint;
  /** keccak256(abi.encode(option hashes)) of the set the commitment binds. */
  optionSetHash: Hex;
  /** The option labels, in option order. */
  labels: string[];
  /** `forecasts[option][metric]`, scaled integers. */
  forecasts: bigint[][];
  salt: Hex;
  commitment: Hex;
  rationale: string | null;
  status: ConditionalStatus;
};

/** A scanned event with its arguments as decoded from the contracts' ABIs. */
export type StoredLog<E extends ProtocolEventName = ProtocolEventName> = ProtocolLog<E>;

const bigintReplacer = (_: string, v: unknown) => (typeof v === "bigint" ? { $bigint: v.toString() } : v);
const bigintReviver = (_: string, v: unknown) =>
  v && typeof v === "object" && "$bigint" in (v as object) ? BigInt((v as { $bigint: string }).$bigint) : v;

export class Store {
  readonly db: DatabaseSync;

  constructor(
    readonly path: string,
    readonly scope: { chainId: number; hub: Hex },
  ) {
    this.db = new DatabaseSync(path);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
    this.migrate();
  }

  /** Applies pending migrations; the schema version lives in PRAGMA user_version. */
  private migrate() {
    const { user_version: version } = this.db.prepare("PRAGMA user_version").get() as {
      user_version: number;
    };
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.exec("BEGIN");
      try {
        this.db.exec(MIGRATIONS[v]);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
        this.db.exec("COMMIT");
      } catch (error) {
        this.db.exec("ROLLBACK");
        throw error;
      }
    }
  }

  get schemaVersion(): number {
    return (this.db.prepare("PRAGMA user_version").get() as { user_version: number }).user_version;
  }

  close() {
    this.db.close();
  }

  // ─────────────────────────────── forecasts (salts live here) ───────────────────────────────

  /** Durably records a forecast and its salt. Must return before the commit transaction is sent. */
  insertForecast(row: Omit<ForecastRow, "status"> & { status?: ForecastStatus }) {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO forecasts (agreement_id, candidate_id, target_epoch, chain_id, hub, values_json, salt,
           commitment, status, rationale, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.agreementId.toString(),
        row.candidateId.toString(),
        row.targetEpoch.toString(),
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        JSON.stringify(row.values.map(String)),
        row.salt,
        row.commitment,
        row.status ?? "persisted",
        row.rationale,
        now,
        now,
      );
  }

  getForecast(agreementId: bigint, candidateId: bigint, targetEpoch: bigint): ForecastRow | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM forecasts WHERE chain_id = ? AND hub = ? AND agreement_id = ? AND candidate_id = ? AND target_epoch = ?`,
      )
      .get(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        candidateId.toString(),
        targetEpoch.toString(),
      ) as Record<string, string> | undefined;
    return r ? this.toForecast(r) : undefined;
  }

  /** Forecasts of a candidate not yet revealed or closed, oldest target first. */
  openForecasts(agreementId: bigint, candidateId: bigint): ForecastRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM forecasts WHERE chain_id = ? AND hub = ? AND agreement_id = ? AND candidate_id = ?
           AND status IN ('persisted', 'committed') ORDER BY CAST(target_epoch AS INTEGER)`,
      )
      .all(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        candidateId.toString(),
      ) as Record<string, string>[];
    return rows.map((r) => this.toForecast(r));
  }

  /** A candidate's forecasts for targets at or after `minTarget`, oldest first, in any status. */
  forecastsFrom(agreementId: bigint, candidateId: bigint, minTarget: bigint): ForecastRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM forecasts WHERE chain_id = ? AND hub = ? AND agreement_id = ? AND candidate_id = ?
           AND CAST(target_epoch AS INTEGER) >= ? ORDER BY CAST(target_epoch AS INTEGER)`,
      )
      .all(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        candidateId.toString(),
        Number(minTarget),
      ) as Record<string, string>[];
    return rows.map((r) => this.toForecast(r));
  }

  setForecastStatus(agreementId: bigint, candidateId: bigint, targetEpoch: bigint, status: ForecastStatus) {
    this.db
      .prepare(
        `UPDATE forecasts SET status = ?, updated_at = ? WHERE chain_id = ? AND hub = ? AND agreement_id = ?
           AND candidate_id = ? AND target_epoch = ?`,
      )
      .run(
        status,
        Date.now(),
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        candidateId.toString(),
        targetEpoch.toString(),
      );
  }

  private toForecast(r: Record<string, string>): ForecastRow {
    return {
      agreementId: BigInt(r.agreement_id),
      candidateId: BigInt(r.candidate_id),
      targetEpoch: BigInt(r.target_epoch),
      values: (JSON.parse(r.values_json) as string[]).map(BigInt),
      salt: r.salt as Hex,
      commitment: r.commitment as Hex,
      status: r.status as ForecastStatus,
      rationale: r.rationale ?? null,
    };
  }

  // ──────────────────────────────── jury votes (salts live here) ────────────────────────────────

  private voteWhere = `chain_id = ? AND hub = ? AND agreement_id = ? AND epoch = ? AND proposer = ? AND round = ? AND juror_id = ?`;

  private voteKeyArgs(k: VoteKey) {
    return [
      this.scope.chainId,
      this.scope.hub.toLowerCase(),
      k.agreementId.toString(),
      k.epoch.toString(),
      k.proposer.toString(),
      k.round,
      k.jurorId.toString(),
    ] as const;
  }

  /** Records a seat once; returns false when it was already recorded. */
  insertSeat(
    row: Pick<
      VoteRow,
      "agreementId" | "epoch" | "proposer" | "round" | "jurorId" | "seat" | "commitEndsAt" | "revealEndsAt"
    >,
  ): boolean {
    const now = Date.now();
    const r = this.db
      .prepare(
        `INSERT OR IGNORE INTO votes (chain_id, hub, agreement_id, epoch, proposer, round, juror_id, seat,
           commit_ends_at, reveal_ends_at, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'seated', ?, ?)`,
      )
      .run(
        ...this.voteKeyArgs(row),
        row.seat,
        row.commitEndsAt.toString(),
        row.revealEndsAt.toString(),
        now,
        now,
      );
    return Number(r.changes) > 0;
  }

  /** Durably records a seat's vote, manifest and salt. Must return before commitVote is sent. */
  persistVote(k: VoteKey, v: { accept: boolean; manifest: string; salt: Hex; commitment: Hex }) {
    this.db
      .prepare(
        `UPDATE votes SET accept = ?, manifest = ?, salt = ?, commitment = ?, status = 'persisted', updated_at = ?
         WHERE ${this.voteWhere} AND status = 'seated'`,
      )
      .run(v.accept ? 1 : 0, v.manifest, v.salt, v.commitment, Date.now(), ...this.voteKeyArgs(k));
  }

  getVote(k: VoteKey): VoteRow | undefined {
    const r = this.db.prepare(`SELECT * FROM votes WHERE ${this.voteWhere}`).get(...this.voteKeyArgs(k)) as
      Record<string, string | number | null> | undefined;
    return r ? this.toVote(r) : undefined;
  }

  /** Seats with something left to do (not "done"), oldest first. */
  openVotes(): VoteRow[] {
    return (
      this.db
        .prepare(
          `SELECT * FROM votes WHERE chain_id = ? AND hub = ? AND status != 'done'
             ORDER BY CAST(reveal_ends_at AS INTEGER), created_at`,
        )
        .all(this.scope.chainId, this.scope.hub.toLowerCase()) as Record<string, string | number | null>[]
    ).map((r) => this.toVote(r));
  }

  setVoteStatus(k: VoteKey, status: VoteStatus) {
    this.db
      .prepare(`UPDATE votes SET status = ?, updated_at = ? WHERE ${this.voteWhere}`)
      .run(status, Date.now(), ...this.voteKeyArgs(k));
  }

  private toVote(r: Record<string, string | number | null>): VoteRow {
    return {
      agreementId: BigInt(r.agreement_id as string),
      epoch: BigInt(r.epoch as string),
      proposer: BigInt(r.proposer as string),
      round: Number(r.round),
      jurorId: BigInt(r.juror_id as string),
      seat: Number(r.seat),
      commitEndsAt: BigInt(r.commit_ends_at as string),
      revealEndsAt: BigInt(r.reveal_ends_at as string),
      accept: r.accept === null ? null : Number(r.accept) === 1,
      manifest: (r.manifest as string | null) ?? null,
      salt: (r.salt as Hex | null) ?? null,
      commitment: (r.commitment as Hex | null) ?? null,
      status: r.status as VoteStatus,
    };
  }

  // ─────────────────────────────── judgement lists (salts live here) ───────────────────────────────

  /** Durably records a list, its root and its salt. Must return before commitList is sent. */
  insertList(row: Omit<ListRow, "status">) {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO judgement_lists (chain_id, hub, agreement_id, round, candidate_id, weights_json, root, salt,
           commitment, rationale, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'persisted', ?, ?)`,
      )
      .run(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        row.agreementId.toString(),
        row.round.toString(),
        row.candidateId.toString(),
        JSON.stringify(row.weights.map(String)),
        row.root,
        row.salt,
        row.commitment,
        row.rationale,
        now,
        now,
      );
  }

  getList(agreementId: bigint, round: bigint, candidateId: bigint): ListRow | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM judgement_lists WHERE chain_id = ? AND hub = ? AND agreement_id = ? AND round = ? AND candidate_id = ?`,
      )
      .get(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        round.toString(),
        candidateId.toString(),
      ) as Record<string, string> | undefined;
    return r ? this.toList(r) : undefined;
  }

  setListStatus(agreementId: bigint, round: bigint, candidateId: bigint, status: ListStatus) {
    this.db
      .prepare(
        `UPDATE judgement_lists SET status = ?, updated_at = ? WHERE chain_id = ? AND hub = ? AND agreement_id = ?
           AND round = ? AND candidate_id = ?`,
      )
      .run(
        status,
        Date.now(),
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        round.toString(),
        candidateId.toString(),
      );
  }

  private toList(r: Record<string, string>): ListRow {
    return {
      agreementId: BigInt(r.agreement_id),
      round: BigInt(r.round),
      candidateId: BigInt(r.candidate_id),
      weights: (JSON.parse(r.weights_json) as string[]).map(BigInt),
      root: r.root as Hex,
      salt: r.salt as Hex,
      commitment: r.commitment as Hex,
      rationale: r.rationale ?? null,
      status: r.status as ListStatus,
    };
  }

  // ──────────────────────── conditional forecasts (futarchy mode; salts live here) ────────────────────────

  /** Durably records a conditional forecast and its salt. Must return before the commit is sent. */
  insertConditional(row: Omit<ConditionalRow, "status">) {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO conditional_forecasts (chain_id, hub, agreement_id, epoch, candidate_id, option_set_hash,
           labels_json, forecasts_json, salt, commitment, rationale, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'persisted', ?, ?)`,
      )
      .run(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        row.agreementId.toString(),
        row.epoch.toString(),
        row.candidateId.toString(),
        row.optionSetHash,
        JSON.stringify(row.labels),
        JSON.stringify(row.forecasts.map((r) => r.map(String))),
        row.salt,
        row.commitment,
        row.rationale,
        now,
        now,
      );
  }

  getConditional(agreementId: bigint, epoch: bigint, candidateId: bigint): ConditionalRow | undefined {
    const r = this.db
      .prepare(
        `SELECT * FROM conditional_forecasts WHERE chain_id = ? AND hub = ? AND agreement_id = ? AND epoch = ?
           AND candidate_id = ?`,
      )
      .get(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        epoch.toString(),
        candidateId.toString(),
      ) as Record<string, string> | undefined;
    return r ? this.toConditional(r) : undefined;
  }

  /** A candidate's conditional forecasts not yet revealed or missed, oldest epoch first. */
  openConditionals(agreementId: bigint, candidateId: bigint): ConditionalRow[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM conditional_forecasts WHERE chain_id = ? AND hub = ? AND agreement_id = ?
           AND candidate_id = ? AND status IN ('persisted', 'committed')`,
      )
      .all(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        candidateId.toString(),
      ) as Record<string, string>[];
    return rows.map((r) => this.toConditional(r)).sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
  }

  setConditionalStatus(agreementId: bigint, epoch: bigint, candidateId: bigint, status: ConditionalStatus) {
    this.db
      .prepare(
        `UPDATE conditional_forecasts SET status = ?, updated_at = ? WHERE chain_id = ? AND hub = ?
           AND agreement_id = ? AND epoch = ? AND candidate_id = ?`,
      )
      .run(
        status,
        Date.now(),
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        epoch.toString(),
        candidateId.toString(),
      );
  }

  private toConditional(r: Record<string, string>): ConditionalRow {
    return {
      agreementId: BigInt(r.agreement_id),
      epoch: BigInt(r.epoch),
      candidateId: BigInt(r.candidate_id),
      optionSetHash: r.option_set_hash as Hex,
      labels: JSON.parse(r.labels_json) as string[],
      forecasts: (JSON.parse(r.forecasts_json) as string[][]).map((row) => row.map(BigInt)),
      salt: r.salt as Hex,
      commitment: r.commitment as Hex,
      rationale: r.rationale ?? null,
      status: r.status as ConditionalStatus,
    };
  }

  // ──────────────────────────────────── transactions ────────────────────────────────────

  /** The next nonce this node will use for `account` (persisted so restarts never reuse one). */
  nextNonce(account: Hex): number | undefined {
    const r = this.db
      .prepare("SELECT next_nonce FROM nonces WHERE account = ?")
      .get(account.toLowerCase()) as { next_nonce: number } | undefined;
    return r?.next_nonce;
  }

  setNextNonce(account: Hex, nonce: number) {
    this.db
      .prepare(
        "INSERT INTO nonces (account, next_nonce) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET next_nonce = excluded.next_nonce",
      )
      .run(account.toLowerCase(), nonce);
  }

  /** Records a signed transaction before it is broadcast. */
  insertAttempt(a: Omit<TxAttemptRow, "id" | "status">): number {
    const r = this.db
      .prepare(
        `INSERT INTO tx_attempts (job_key, account, nonce, hash, raw, max_fee, max_priority_fee, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', ?)`,
      )
      .run(
        a.jobKey,
        a.account.toLowerCase(),
        a.nonce,
        a.hash,
        a.raw,
        a.maxFee.toString(),
        a.maxPriorityFee.toString(),
        Date.now(),
      );
    return Number(r.lastInsertRowid);
  }

  attemptsForJob(jobKey: string): TxAttemptRow[] {
    return (
      this.db.prepare("SELECT * FROM tx_attempts WHERE job_key = ? ORDER BY id").all(jobKey) as Record<
        string,
        string | number
      >[]
    ).map((r) => this.toAttempt(r));
  }

  /** Attempts still waiting for a receipt, grouped by the caller. */
  pendingAttempts(): TxAttemptRow[] {
    return (
      this.db.prepare("SELECT * FROM tx_attempts WHERE status = 'sent' ORDER BY id").all() as Record<
        string,
        string | number
      >[]
    ).map((r) => this.toAttempt(r));
  }

  setAttemptStatus(id: number, status: TxAttemptRow["status"]) {
    this.db.prepare("UPDATE tx_attempts SET status = ? WHERE id = ?").run(status, id);
  }

  /** Marks every other attempt with the same account and nonce as replaced. */
  markNonceSiblingsReplaced(account: Hex, nonce: number, keepId: number) {
    this.db
      .prepare(
        "UPDATE tx_attempts SET status = 'replaced' WHERE account = ? AND nonce = ? AND id != ? AND status = 'sent'",
      )
      .run(account.toLowerCase(), nonce, keepId);
  }

  private toAttempt(r: Record<string, string | number>): TxAttemptRow {
    return {
      id: Number(r.id),
      jobKey: String(r.job_key),
      account: r.account as Hex,
      nonce: Number(r.nonce),
      hash: r.hash as Hex,
      raw: r.raw as Hex,
      maxFee: BigInt(r.max_fee),
      maxPriorityFee: BigInt(r.max_priority_fee),
      status: r.status as TxAttemptRow["status"],
    };
  }

  // ───────────────────────────────────── proposals ─────────────────────────────────────

  upsertProposal(p: ProposalRow) {
    this.db
      .prepare(
        `INSERT INTO proposals (agreement_id, epoch, candidate_id, chain_id, hub, new_state, actions_json, manifest, spec, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(chain_id, hub, agreement_id, epoch, candidate_id) DO UPDATE SET status = excluded.status`,
      )
      .run(
        p.agreementId.toString(),
        p.epoch.toString(),
        p.candidateId.toString(),
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        p.newState,
        p.actionsJson,
        p.manifest,
        p.spec,
        p.status,
        Date.now(),
      );
  }

  getProposal(agreementId: bigint, epoch: bigint, candidateId: bigint): ProposalRow | undefined {
    const r = this.db
      .prepare(
        "SELECT * FROM proposals WHERE chain_id = ? AND hub = ? AND agreement_id = ? AND epoch = ? AND candidate_id = ?",
      )
      .get(
        this.scope.chainId,
        this.scope.hub.toLowerCase(),
        agreementId.toString(),
        epoch.toString(),
        candidateId.toString(),
      ) as Record<string, string> | undefined;
    if (!r) return undefined;
    return {
      agreementId: BigInt(r.agreement_id),
      epoch: BigInt(r.epoch),
      candidateId: BigInt(r.candidate_id),
      newState: r.new_state,
      actionsJson: r.actions_json,
      manifest: r.manifest,
      spec: r.spec,
      status: r.status as ProposalRow["status"],
    };
  }

  // ──────────────────────────────── logs and the scan cursor ────────────────────────────────

  /** Stores the logs of a scanned range and the hash of its last block, atomically. */
  recordScan(logs: readonly ScannedLog[], last: { number: bigint; hash: Hex }) {
    this.db.exec("BEGIN");
    try {
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO logs (chain_id, block_number, block_hash, log_index, address, event, args_json)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const l of logs) {
        insert.run(
          this.scope.chainId,
          Number(l.blockNumber),
          l.blockHash,
          l.logIndex,
          l.address.toLowerCase(),
          l.eventName,
          JSON.stringify(l.args, bigintReplacer),
        );
      }
      this.db
        .prepare(
          "INSERT OR REPLACE INTO scanned_blocks (chain_id, block_number, block_hash) VALUES (?, ?, ?)",
        )
        .run(this.scope.chainId, Number(last.number), last.hash);
      this.setKv(`cursor:${this.scope.chainId}`, last.number.toString());
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** The last scanned block (the cursor), or undefined before the first scan. */
  cursor(): { number: bigint; hash: Hex } | undefined {
    const n = this.getKv(`cursor:${this.scope.chainId}`);
    if (n === undefined) return undefined;
    const r = this.db
      .prepare("SELECT block_hash FROM scanned_blocks WHERE chain_id = ? AND block_number = ?")
      .get(this.scope.chainId, Number(n)) as { block_hash: Hex } | undefined;
    return r ? { number: BigInt(n), hash: r.block_hash } : undefined;
  }

  /** Scanned checkpoints at or below `number`, newest first (used to find a common ancestor). */
  checkpointsBelow(number: bigint): { number: bigint; hash: Hex }[] {
    return (
      this.db
        .prepare(
          "SELECT block_number, block_hash FROM scanned_blocks WHERE chain_id = ? AND block_number <= ? ORDER BY block_number DESC LIMIT 64",
        )
        .all(this.scope.chainId, Number(number)) as { block_number: number; block_hash: Hex }[]
    ).map((r) => ({ number: BigInt(r.block_number), hash: r.block_hash }));
  }

  /** Forgets everything above `number` (a reorg replaced it) and moves the cursor there. */
  rewindTo(number: bigint) {
    this.db.exec("BEGIN");
    try {
      this.db
        .prepare("DELETE FROM logs WHERE chain_id = ? AND block_number > ?")
        .run(this.scope.chainId, Number(number));
      this.db
        .prepare("DELETE FROM scanned_blocks WHERE chain_id = ? AND block_number > ?")
        .run(this.scope.chainId, Number(number));
      if (number < 0n) this.db.prepare("DELETE FROM kv WHERE key = ?").run(`cursor:${this.scope.chainId}`);
      else this.setKv(`cursor:${this.scope.chainId}`, number.toString());
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  /** The scanned `event`s whose arguments pass `filter`, in chain order. */
  logs<E extends ProtocolEventName>(
    event: E,
    filter: (args: ProtocolEventArgs<E>) => boolean = () => true,
  ): StoredLog<E>[] {
    const rows = this.db
      .prepare("SELECT * FROM logs WHERE chain_id = ? AND event = ? ORDER BY block_number, log_index")
      .all(this.scope.chainId, event) as Record<string, string | number>[];
    const logs: StoredLog<E>[] = [];
    for (const r of rows) {
      // Stored by recordScan from parseEventLogs' decoding of this very event (bigints revived).
      const args = JSON.parse(String(r.args_json), bigintReviver) as ProtocolEventArgs<E>;
      if (!filter(args)) continue;
      const log = {
        blockNumber: BigInt(r.block_number),
        blockHash: r.block_hash as Hex,
        logIndex: Number(r.log_index),
        address: r.address as Hex,
        event,
        args,
      };
      logs.push(log);
    }
    return logs;
  }

  getKv(key: string): string | undefined {
    const r = this.db.prepare("SELECT value FROM kv WHERE key = ?").get(key) as { value: string } | undefined;
    return r?.value;
  }

  setKv(key: string, value: string) {
    this.db
      .prepare(
        "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(key, value);
  }
}
