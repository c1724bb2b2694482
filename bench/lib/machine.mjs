/**
 * What a result depends on: the machine (cores, CPU model, memory, load when the run started),
 * Node, and the versions of every package measured.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

const PACKAGES = [
  "@bulwark/core", "@bulwark/express", "@bulwark/koa", "@bulwark/fastify",
  "express", "koa", "@koa/router", "@koa/bodyparser", "fastify",
  "helmet", "express-rate-limit", "express-jwt", "koa-helmet", "koa-ratelimit", "koa-jwt",
  "@fastify/helmet", "@fastify/rate-limit", "@fastify/jwt", "ajv", "jose", "ioredis", "autocannon",
];

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

function cpuModel() {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    if (line !== undefined) return line.split(":")[1].trim();
  } catch {
    // Not Linux.
  }
  return os.cpus()[0]?.model ?? "unknown";
}

/** The version of an installed package, as the bench resolves it. */
function versionOf(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    try {
      // Packages whose export map hides package.json: read it beside the resolved entry.
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf("/"));
        try {
          const pkg = JSON.parse(readFileSync(`${dir}/package.json`, "utf8"));
          if (pkg.name === name) return pkg.version;
        } catch {
          // Keep going up.
        }
      }
    } catch {
      // Not installed.
    }
    return "not installed";
  }
}

/** The machine and versions of this run. */
export function machineInfo() {
  const commit = run("git", ["rev-parse", "--short", "HEAD"]);
  // Read-only: diff-index never writes the index.
  const dirty = run("git", ["diff-index", "--quiet", "HEAD", "--"]) === undefined;
  return {
    cores: Number(run("nproc", []) ?? os.availableParallelism()),
    cpu: cpuModel(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    commit: commit === undefined ? "unknown" : `${commit}${dirty ? " (with uncommitted changes)" : ""}`,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}
