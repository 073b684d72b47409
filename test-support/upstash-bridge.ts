// A local stand-in for Upstash's REST API on top of a real redis-server, so the Upstash feature store is tested
// against real Redis semantics (Lua, TTLs, sorted sets) through the same HTTP protocol @upstash/redis speaks in
// production: single commands (`POST /` with a JSON array, or `/cmd/arg/...`), `POST /pipeline`,
// `POST /multi-exec`, bearer-token auth, `Upstash-Encoding: base64`, and errors as `{"error": "..."}`.
// Redis is reached with the small RESP2 client below (node:net, no dependency).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";

/** A RESP2 reply. Errors are values here: inside a pipeline or a transaction they belong to one command. */
export type RespValue =
  | { kind: "simple"; value: string }
  | { kind: "error"; message: string }
  | { kind: "integer"; value: number }
  | { kind: "bulk"; value: Buffer | null }
  | { kind: "array"; value: RespValue[] | null };

export type RedisAddress = { path: string } | { host: string; port: number };

/** Parses one reply from `buf` at `offset`; null when the buffer does not hold a whole reply yet. */
function parseReply(buf: Buffer, offset: number): { value: RespValue; next: number } | null {
  if (offset >= buf.length) return null;
  const lineEnd = buf.indexOf("\r\n", offset);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString("utf8", offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: { kind: "simple", value: line }, next: after };
    case "-":
      return { value: { kind: "error", message: line }, next: after };
    case ":":
      return { value: { kind: "integer", value: Number(line) }, next: after };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: { kind: "bulk", value: null }, next: after };
      if (buf.length < after + len + 2) return null;
      return { value: { kind: "bulk", value: Buffer.from(buf.subarray(after, after + len)) }, next: after + len + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: { kind: "array", value: null }, next: after };
      const items: RespValue[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return null;
        items.push(item.value);
        next = item.next;
      }
      return { value: { kind: "array", value: items }, next };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

function encodeCommand(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? Buffer.from(arg, "utf8") : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** One connection to redis-server. Commands are pipelined; replies resolve in order. */
export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (v: RespValue) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new Error("redis connection closed")));
  }

  static open(address: RedisAddress): Promise<RespConnection> {
    return new Promise((resolve, reject) => {
      const socket = "path" in address ? connect(address.path) : connect(address.port, address.host);
      socket.setNoDelay(true);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RespConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  /** Sends the commands in one write and resolves with one reply per command. */
  send(commands: readonly (readonly (string | Buffer)[])[]): Promise<RespValue[]> {
    if (this.failure) return Promise.reject(this.failure);
    const replies = commands.map(() => new Promise<RespValue>((resolve, reject) => this.waiting.push({ resolve, reject })));
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    for (;;) {
      let parsed: { value: RespValue; next: number } | null;
      try {
        parsed = parseReply(this.buffer, offset);
      } catch (err) {
        this.fail(err instanceof Error ? err : new Error(String(err)));
        this.socket.destroy();
        return;
      }
      if (!parsed) break;
      offset = parsed.next;
      this.waiting.shift()?.resolve(parsed.value);
    }
    this.buffer = offset === this.buffer.length ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(offset));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}

/** Connections lent out one request at a time, so a MULTI…EXEC never interleaves with another request. */
class ConnectionPool {
  private readonly idle: RespConnection[] = [];
  private readonly all = new Set<RespConnection>();

  constructor(private readonly address: RedisAddress) {}

  async use<T>(work: (conn: RespConnection) => Promise<T>): Promise<T> {
    let conn = this.idle.pop();
    while (conn?.broken) {
      this.all.delete(conn);
      conn = this.idle.pop();
    }
    if (!conn) {
      conn = await RespConnection.open(this.address);
      this.all.add(conn);
    }
    try {
      return await work(conn);
    } finally {
      if (conn.broken) this.all.delete(conn);
      else this.idle.push(conn);
    }
  }

  close(): void {
    for (const conn of this.all) conn.close();
    this.all.clear();
    this.idle.length = 0;
  }
}

type Json = string | number | null | Json[];

/**
 * A reply as Upstash writes it: with base64 encoding every string is base64 except the "OK" status reply
 * (the @upstash/redis client decodes accordingly); nested errors (a failed command inside a transaction) are
 * their message.
 */
function toJson(value: RespValue, base64: boolean): Json {
  switch (value.kind) {
    case "simple":
      return base64 && value.value !== "OK" ? Buffer.from(value.value, "utf8").toString("base64") : value.value;
    case "error":
      return value.message;
    case "integer":
      return value.value;
    case "bulk":
      return value.value === null ? null : base64 ? value.value.toString("base64") : value.value.toString("utf8");
    case "array":
      return value.value === null ? null : value.value.map((v) => toJson(v, base64));
  }
}

type Entry = { result: Json } | { error: string };
const entry = (value: RespValue, base64: boolean): Entry => (value.kind === "error" ? { error: value.message } : { result: toJson(value, base64) });

/**
 * Commands that only make sense on a connection of one's own (transactions, subscriptions, connection state):
 * over HTTP each request may land anywhere, so Upstash refuses them; /multi-exec is the transaction API.
 */
const CONNECTION_COMMANDS = new Set(["multi", "exec", "discard", "watch", "unwatch", "subscribe", "psubscribe", "ssubscribe", "unsubscribe", "punsubscribe", "monitor", "select", "quit", "reset", "hello", "auth", "sync", "psync", "shutdown", "replicaof", "slaveof", "client"]);

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON command (`["SET", "k", "v"]`) as Redis arguments; numbers and booleans are sent as their text. */
function toCommand(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new RequestError(400, "ERR command must be a non-empty JSON array");
  const args = raw.map((a: unknown) => {
    if (typeof a === "string") return a;
    if (typeof a === "number" || typeof a === "boolean") return String(a);
    throw new RequestError(400, `ERR command arguments must be strings or numbers, got ${JSON.stringify(a)}`);
  });
  if (CONNECTION_COMMANDS.has(args[0]!.toLowerCase())) throw new RequestError(400, `ERR Command is not allowed: ${args[0]}`);
  return args;
}

function toCommands(raw: unknown): string[][] {
  if (!Array.isArray(raw) || raw.length === 0) throw new RequestError(400, "ERR pipeline body must be a non-empty JSON array of commands");
  return raw.map(toCommand);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new RequestError(400, "ERR failed to parse the request body as JSON");
  }
}

export interface UpstashBridgeOptions {
  redis: RedisAddress;
  token: string;
  host?: string;
  /** 0 (the default) picks a free port; the URL says which. */
  port?: number;
}

export interface UpstashBridge {
  url: string;
  /** Requests answered so far (for tests that check traffic reached Redis, or did not). */
  readonly requests: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the bridge. Test hook: a URL path that starts with `/__delay/<ms>` answers after that delay, the way a
 * slow or overloaded store would (use `<url>/__delay/300` as the REST URL).
 */
export async function startUpstashBridge(options: UpstashBridgeOptions): Promise<UpstashBridge> {
  const pool = new ConnectionPool(options.redis);
  let requests = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://bridge.invalid");
    let path = url.pathname;
    const delay = /^\/__delay\/(\d+)(\/.*)?$/.exec(path);
    if (delay) {
      await sleep(Number(delay[1]));
      path = delay[2] ?? "/";
    }
    const method = req.method ?? "GET";
    if (!["GET", "HEAD", "POST", "PUT"].includes(method)) throw new RequestError(405, "Method not allowed");
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : url.searchParams.get("_token");
    if (token !== options.token) throw new RequestError(401, "Unauthorized");
    const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
    const body = await readBody(req);

    if (path === "/pipeline" || path === "/multi-exec") {
      if (method !== "POST") throw new RequestError(405, "Method not allowed");
      const commands = toCommands(parseJson(body));
      if (path === "/pipeline") {
        const replies = await pool.use((conn) => conn.send(commands));
        return send(res, 200, replies.map((r) => entry(r, base64)));
      }
      // One borrowed connection: MULTI, the commands, EXEC in a single write, so nothing interleaves.
      const replies = await pool.use((conn) => conn.send([["MULTI"], ...commands, ["EXEC"]]));
      const exec = replies[replies.length - 1]!;
      if (exec.kind === "error") throw new RequestError(400, exec.message);
      if (exec.kind !== "array" || exec.value === null) throw new RequestError(400, "ERR transaction was not executed");
      return send(res, 200, exec.value.map((r) => entry(r, base64)));
    }

    // A single command: the JSON array body on `/`, or the path segments (`/set/foo/bar`) with a POSTed body as
    // the last argument and any query parameters after it (`?EX=100`).
    let command: string[];
    if (path === "/" || path === "") {
      if (method !== "POST" && method !== "PUT") throw new RequestError(400, "ERR empty command");
      command = toCommand(parseJson(body));
    } else {
      const args = path.split("/").filter((s) => s !== "").map(decodeURIComponent);
      if (body.length > 0 && method !== "GET" && method !== "HEAD") args.push(body.toString("utf8"));
      for (const [k, v] of url.searchParams) if (k !== "_token") args.push(...(v === "" ? [k] : [k, v]));
      command = toCommand(args);
    }
    const [reply] = await pool.use((conn) => conn.send([command]));
    if (reply!.kind === "error") throw new RequestError(400, reply!.message);
    return send(res, 200, { result: toJson(reply!, base64) });
  }

  function send(res: ServerResponse, status: number, payload: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(payload));
  }

  const server: Server = createServer((req, res) => {
    requests++;
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof RequestError) return send(res, err.status, { error: err.message });
      // Redis itself unreachable: what a proxy in front of a dead database answers.
      send(res, 500, { error: `bridge: ${err instanceof Error ? err.message : String(err)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("bridge: no TCP address");
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}`,
    get requests() {
      return requests;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pool.close();
    },
  };
}
