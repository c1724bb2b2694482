import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import request from "supertest";
import { ConfigError, route } from "./index.js";
import { createApp, listen, testAuthenticator } from "./__tests__/support.js";

class ReportsController {
  calls = 0;

  @route({ roles: ["admin"] })
  async list(req: FastifyRequest) {
    this.calls += 1;
    return { by: req.bulwark.principal?.id, calls: this.calls };
  }

  @route({ public: true })
  replyStyle(_req: FastifyRequest, reply: FastifyReply) {
    return reply.code(201).send({ created: true });
  }
}

class OverridingController extends ReportsController {
  override async list() {
    return { by: "override without a policy", calls: -1 };
  }
}

describe("@route(policy) and @fastify.secure.route(policy)", () => {
  let app: FastifyInstance;
  const reports = new ReportsController();

  beforeAll(async () => {
    app = await createApp({ authenticate: [testAuthenticator] });

    class AuditController {
      seen: string[] = [];

      @app.secure.route({ roles: ["auditor"] })
      async read(req: FastifyRequest) {
        this.seen.push(req.bulwark.requestId);
        return { audited: true };
      }
    }
    const audit = new AuditController();

    app.get("/reports", reports.list);
    app.post("/reports", reports.replyStyle);
    app.get("/reports/wrapped", (req, _reply) => reports.list(req));
    app.get("/audit", audit.read);
    app.get("/overridden", new OverridingController().list);
    await listen(app);
  });
  afterAll(() => app.close());

  it("runs the guard before the method, which keeps its instance as `this`", async () => {
    expect((await request(app.server).get("/reports")).status).toBe(401);
    expect((await request(app.server).get("/reports").set("x-test-user", "vic:viewer")).status).toBe(403);
    expect(reports.calls).toBe(0);
    const ok = await request(app.server).get("/reports").set("x-test-user", "ada:admin");
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ by: "ada", calls: 1 });
  });

  it("guards a decorated method called from a wrapper function as well", async () => {
    expect((await request(app.server).get("/reports/wrapped").set("x-test-user", "vic:viewer")).status).toBe(403);
    expect((await request(app.server).get("/reports/wrapped").set("x-test-user", "ada:admin")).status).toBe(200);
  });

  it("lets a method answer through reply itself", async () => {
    const res = await request(app.server).post("/reports").send({});
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ created: true });
  });

  it("works as fastify.secure.route(policy)", async () => {
    expect((await request(app.server).get("/audit").set("x-test-user", "ada:admin")).status).toBe(403);
    const ok = await request(app.server).get("/audit").set("x-test-user", "aud:auditor");
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ audited: true });
  });

  it("does not vouch for a subclass method that overrides a decorated one", async () => {
    const overriding = new OverridingController();
    expect(overriding.list).toBe(OverridingController.prototype.list);
    expect((await request(app.server).get("/overridden").set("x-test-user", "ada:admin")).status).toBe(403);
  });

  it("refuses a bad policy at decoration (fastify.secure.route) or at route registration (route)", async () => {
    const other = await createApp();
    expect(() => {
      class Broken {
        @other.secure.route({ rolez: ["admin"] } as never)
        async handle() {
          return 1;
        }
      }
      return Broken;
    }).toThrow(ConfigError);

    class LateBroken {
      @route({ roles: ["admin"] })
      async handle() {
        return 1;
      }
    }
    // No authenticator is configured, so a role policy cannot work: caught when the route is added.
    expect(() => other.get("/late", new LateBroken().handle)).toThrow(/no authenticator is configured/);
    await other.close();
  });
});
