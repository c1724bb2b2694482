/**
 * Each basic example's `server.ts`, run as a user runs it (`node --import tsx`, PORT=0 so that the
 * system picks a free port): it listens on 127.0.0.1, prints curl lines whose tokens work, answers
 * /health, logs security events by default, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "@jest/globals";
import { call } from "./support/http.js";

const ROOT = path.resolve(__dirname, "../..");
const FRAMEWORKS = [
  { name: "express", title: "Express" },
  { name: "koa", title: "Koa" },
  { name: "fastify", title: "Fastify" },
] as const;
const READY = "Ctrl+C stops the server.";

/** Collects a stream's text and resolves once `marker` appeared (rejects if the process ends first). */
function output(child: ChildProcessWithoutNullStreams): { stdout: () => string; stderr: () => string; until: (marker: string) => Promise<void> } {
  let stdout = "";
  let stderr = "";
  const waiters: { marker: string; resolve: () => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      if (stdout.includes(waiter.marker) || stderr.includes(waiter.marker)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    check();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    check();
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    until: (marker) =>
      new Promise<void>((resolve, reject) => {
        waiters.push({ marker, resolve });
        child.once("exit", (code) => reject(new Error(`server exited (${code}) before printing "${marker}":\n${stdout}\n${stderr}`)));
        check();
      }),
  };
}

/** A printed curl line as the request it makes, and the status its comment announces (if any). */
interface CurlLine {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly data: string | undefined;
  readonly announced: number | undefined;
}

function parseCurl(line: string): CurlLine {
  const [command, comment] = line.split(/\s+#\s+/);
  const words = [...command!.trim().matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  expect(words[0]).toBe("curl");
  const headers: Record<string, string> = {};
  let data: string | undefined;
  let url: URL | undefined;
  for (let i = 1; i < words.length; i += 1) {
    const word = words[i]!;
    if (word === "-H") {
      const [name, ...value] = words[(i += 1)]!.split(":");
      headers[name!.trim().toLowerCase()] = value.join(":").trim();
    } else if (word === "-d") {
      data = words[(i += 1)];
    } else if (word === "-i") {
      continue;
    } else {
      url = new URL(word);
    }
  }
  expect(url).toBeDefined();
  const announced = comment === undefined ? undefined : Number(/^(\d{3})/.exec(comment)?.[1]);
  return { method: data === undefined ? "GET" : "POST", url: url!, headers, data, announced };
}

describe.each(FRAMEWORKS)("examples/$name-basic/src/server.ts", ({ name, title }) => {
  it("starts on 127.0.0.1, prints working curl lines, answers /health, logs events and stops on SIGTERM", async () => {
    const entry = path.join(ROOT, "examples", `${name}-basic`, "src", "server.ts");
    expect(existsSync(entry)).toBe(true);
    const child = spawn(process.execPath, ["--import", "tsx", entry], {
      cwd: ROOT,
      env: { ...process.env, PORT: "0", NODE_OPTIONS: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const io = output(child);
    try {
      await io.until(READY);
      const banner = new RegExp(`^Notes API \\(${title} \\+ Bulwark\\) on (http://127\\.0\\.0\\.1:(\\d+))$`, "m").exec(io.stdout());
      expect(banner).not.toBeNull();
      const base = banner![1]!;
      expect(Number(banner![2])).toBeGreaterThan(0);

      const health = await call(base, "GET", "/health");
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ ok: true });

      const lines = io.stdout().split("\n").map((line) => line.trim()).filter((line) => line.startsWith("curl "));
      expect(lines.length).toBeGreaterThanOrEqual(4);
      const curls = lines.map(parseCurl);
      expect(curls.filter((curl) => curl.headers.authorization?.startsWith("Bearer ")).length).toBeGreaterThanOrEqual(3);
      for (const curl of curls) {
        expect(curl.url.origin).toBe(base);
        const reply = await call(base, curl.method, curl.url.pathname, {
          headers: curl.headers,
          ...(curl.data === undefined ? {} : { json: JSON.parse(curl.data) as unknown }),
        });
        if (curl.announced === undefined) expect(reply.status).toBeLessThan(300);
        else expect(reply.status).toBe(curl.announced);
      }
      // The announced refusal shows up in the default event log (stderr).
      expect(curls.some((curl) => curl.announced === 403)).toBe(true);
      await io.until("[security] authz.denied");
      expect(io.stderr()).not.toMatch(/Bearer|eyJ/);

      child.kill("SIGTERM");
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    }
  }, 45_000);
});
