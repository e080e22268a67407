/**
 * An in-process OpenAI-compatible server for tests: the real wire protocol over node:http on
 * 127.0.0.1, with scripted answers and injectable faults. No network, no model.
 *
 *   const server = await FakeOpenAI.start();
 *   server.fail(429, 2).reply(reply.json({ values: [1], rationale: "r" }));
 *   new OpenAIModel(spec, { baseURL: server.baseURL, apiKey: "test" });
 *   …
 *   await server.close();
 *
 * Each POST /v1/chat/completions is recorded, then answered by, in order: a pending fault (HTTP error
 * or delay, each with a count), the next queued reply, the handler, else an HTTP 400 that names the
 * missing script.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The parsed body of a chat-completions request (only the fields tests look at are typed). */
export type ChatRequestBody = {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  seed?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  [key: string]: unknown;
};

/** A request as the server received it. */
export type RecordedRequest = {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: ChatRequestBody;
};

/** How to answer one request. Every field is optional; the default is HTTP 200 with empty content. */
export type FakeReply = {
  /** HTTP status; anything but 2xx is sent as an OpenAI error body. */
  status?: number;
  /** The assistant message's content. */
  content?: string | null;
  /** The assistant message's refusal. */
  refusal?: string | null;
  /** "stop" by default; "length" or "content_filter" to simulate truncation or filtering. */
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  fingerprint?: string | null;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
  headers?: Record<string, string>;
  /** Replaces the whole JSON body. */
  body?: unknown;
  /** Replaces the whole body with this text (e.g. malformed JSON). */
  rawBody?: string;
};

/** Computes a reply from the request. */
export type FakeHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

type Fault = { status?: number; delayMs?: number; headers?: Record<string, string>; remaining: number };

/** Reply builders. */
export const reply = {
  /** The JSON text of `value` as content. */
  json: (value: unknown, extra: Partial<FakeReply> = {}): FakeReply => ({
    content: JSON.stringify(value),
    ...extra,
  }),
  /** Literal content. */
  text: (content: string, extra: Partial<FakeReply> = {}): FakeReply => ({ content, ...extra }),
  /** Content that is not JSON. */
  malformed: (): FakeReply => ({ content: '{"values": [1.5, 2' }),
  /** `value` with extra top-level fields the schema does not know. */
  withExtraFields: (value: object, extra: object): FakeReply => ({
    content: JSON.stringify({ ...value, ...extra }),
  }),
  /** A refusal, as OpenAI sends it (content null). */
  refusal: (message = "I can't help with that."): FakeReply => ({ content: null, refusal: message }),
  /** An answer cut by the token limit. */
  truncated: (partial = '{"values": [1.5'): FakeReply => ({ content: partial, finishReason: "length" }),
  /** An HTTP error. */
  httpError: (status: number, headers?: Record<string, string>): FakeReply => ({ status, headers }),
};

const DEFAULT_USAGE = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 };

/** The fake server. */
export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #queue: FakeReply[] = [];
  readonly #faults: Fault[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #handler?: FakeHandler;
  #completions = 0;
  readonly baseURL: string;

  private constructor(server: Server) {
    this.#server = server;
    const { port } = server.address() as AddressInfo;
    this.baseURL = `http://127.0.0.1:${port}/v1`;
  }

  /** Starts a server on a free port of 127.0.0.1. */
  static async start(): Promise<FakeOpenAI> {
    // eslint-disable-next-line prefer-const -- the handler reads it; it is set once the server exists
    let self: FakeOpenAI | undefined;
    const server = createServer((req, res) => {
      void self!.#serve(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    self = new FakeOpenAI(server);
    return self;
  }

  /** Queues replies, answered in order. */
  reply(...replies: FakeReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Answers with `handler` whenever no fault or queued reply is pending. */
  handle(handler: FakeHandler): this {
    this.#handler = handler;
    return this;
  }

  /** The next `count` requests get HTTP `status` (before any queued reply). */
  fail(status: number, count = 1, headers?: Record<string, string>): this {
    this.#faults.push({ status, headers, remaining: count });
    return this;
  }

  /** The next `count` requests wait `ms` before being answered normally. */
  delay(ms: number, count = 1): this {
    this.#faults.push({ delayMs: ms, remaining: count });
    return this;
  }

  /** Forgets requests, replies, faults and the handler. */
  reset(): this {
    this.requests.length = 0;
    this.#queue.length = 0;
    this.#faults.length = 0;
    this.#handler = undefined;
    return this;
  }

  /** Stops the server, dropping open connections and pending delays. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      return send(res, 404, {
        error: { message: `fake: no route ${req.method} ${path}`, type: "not_found" },
      });
    }
    let body: ChatRequestBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(res, 400, {
        error: { message: "fake: request body is not JSON", type: "invalid_request_error" },
      });
    }
    const request: RecordedRequest = { method: req.method, path, headers: req.headers, body };
    this.requests.push(request);

    let answer: FakeReply;
    const fault = this.#faults.find((f) => f.remaining > 0);
    if (fault) {
      fault.remaining--;
      if (fault.delayMs !== undefined) await this.#sleep(fault.delayMs);
      if (fault.status !== undefined) {
        return send(res, fault.status, errorBody(fault.status), fault.headers);
      }
    }
    if (this.#queue.length > 0) answer = this.#queue.shift()!;
    else if (this.#handler) answer = await this.#handler(request);
    else
      answer = { status: 400, body: { error: { message: "fake: no scripted reply", type: "fake_error" } } };

    if (answer.delayMs) await this.#sleep(answer.delayMs);
    if (res.destroyed) return;
    const status = answer.status ?? 200;
    if (answer.rawBody !== undefined) return sendText(res, status, answer.rawBody, answer.headers);
    if (answer.body !== undefined) return send(res, status, answer.body, answer.headers);
    if (status < 200 || status >= 300) return send(res, status, errorBody(status), answer.headers);
    this.#completions++;
    return send(
      res,
      status,
      {
        id: `chatcmpl-fake-${this.#completions}`,
        object: "chat.completion",
        created: 1_700_000_000 + this.#completions,
        model: body.model,
        system_fingerprint: answer.fingerprint === undefined ? "fp_fake_0001" : answer.fingerprint,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: answer.content ?? null, refusal: answer.refusal ?? null },
            logprobs: null,
            finish_reason: answer.finishReason ?? "stop",
          },
        ],
        usage: answer.usage === undefined ? DEFAULT_USAGE : answer.usage,
      },
      answer.headers,
    );
  }
}

function errorBody(status: number) {
  const type =
    status === 429 ? "rate_limit_exceeded" : status >= 500 ? "server_error" : "invalid_request_error";
  return { error: { message: `fake: HTTP ${status}`, type, code: type } };
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendText(res, status, JSON.stringify(body), { "content-type": "application/json", ...headers });
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(text);
}
