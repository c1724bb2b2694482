/**
 * The three basic examples (Express, Koa, Fastify), each started on a real HTTP server on
 * 127.0.0.1 with a port of its own, behind one shape so that every test runs identically on all.
 */
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import type { SecurityEventListener } from "@bulwark/core";
import { createApp as createExpressApp } from "../../../examples/express-basic/src/app.js";
import { tokenFor as expressToken } from "../../../examples/express-basic/src/dev-identity.js";
import { NotesStore as ExpressNotes } from "../../../examples/express-basic/src/notes-store.js";
import { createApp as createKoaApp } from "../../../examples/koa-basic/src/app.js";
import { tokenFor as koaToken } from "../../../examples/koa-basic/src/dev-identity.js";
import { NotesStore as KoaNotes } from "../../../examples/koa-basic/src/notes-store.js";
import { createApp as createFastifyApp } from "../../../examples/fastify-basic/src/app.js";
import { tokenFor as fastifyToken } from "../../../examples/fastify-basic/src/dev-identity.js";
import { NotesStore as FastifyNotes } from "../../../examples/fastify-basic/src/notes-store.js";

/** A stored note, as every example keeps it. */
export interface StoredNote {
  id: string;
  ownerId: string;
  tenantId: string;
  title: string;
  body: string;
  internalFlag: boolean;
  createdAt: string;
}

/** What the tests use of an example's notes store (the three classes have the same methods). */
export interface ExampleNotes {
  all(): StoredNote[];
  get(id: string): StoredNote | undefined;
  create(input: { ownerId: string; tenantId: string; title: string; body: string }): StoredNote;
}

/** The example users. */
export type ExampleUser = "alice" | "bob" | "admin";

/** An example app listening on 127.0.0.1. */
export interface RunningExample {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The app's notes store (seeded with one note each for alice and bob). */
  readonly notes: ExampleNotes;
  /** A token of this example's identity provider. */
  token(user: ExampleUser, extraClaims?: Record<string, unknown>): Promise<string>;
  /** Stops the server and drops its connections. */
  close(): Promise<void>;
}

/** One of the three examples. */
export interface Example {
  /** `express`, `koa` or `fastify`. */
  readonly name: "express" | "koa" | "fastify";
  /** Starts a fresh app (own store, own Bulwark instance); `onEvent` replaces the console log. */
  start(options?: { onEvent?: SecurityEventListener }): Promise<RunningExample>;
}

/** Events are swallowed unless a test listens: the examples log them to the console otherwise. */
const quiet: SecurityEventListener = () => undefined;

function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** The three examples. */
export const EXAMPLES: readonly Example[] = [
  {
    name: "express",
    async start({ onEvent = quiet } = {}) {
      const notes = ExpressNotes.seeded();
      const { url, close } = await listen(createServer(createExpressApp({ notes, onEvent })));
      return { url, notes, token: expressToken, close };
    },
  },
  {
    name: "koa",
    async start({ onEvent = quiet } = {}) {
      const notes = KoaNotes.seeded();
      const { url, close } = await listen(createServer(createKoaApp({ notes, onEvent }).callback()));
      return { url, notes, token: koaToken, close };
    },
  },
  {
    name: "fastify",
    async start({ onEvent = quiet } = {}) {
      const notes = FastifyNotes.seeded();
      const app = await createFastifyApp({ notes, onEvent });
      await app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = app.server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        notes,
        token: fastifyToken,
        close: async () => {
          app.server.closeAllConnections();
          await app.close();
        },
      };
    },
  },
];
