/**
 * Express 5 with Bulwark's full policy (see lib/bulwark-setup.mjs). No body parser: Bulwark's
 * global layer reads and parses the body with its limits.
 */
import express from "express";
import * as adapter from "@bulwark/express";
import { bulwarkSetup } from "../lib/bulwark-setup.mjs";
import { createdItem } from "../lib/fixtures.mjs";
import { benchSettings } from "../lib/server-process.mjs";

const settings = benchSettings();
const name = settings.redisUrl === undefined ? "express-bulwark" : "express-bulwark-redis";
const { config, getPolicy, postPolicy, missing } = await bulwarkSetup(adapter, settings, name);
const { secure, errors } = adapter.bulwark(config);

const app = express();
app.disable("x-powered-by");
app.use(secure());
app.get("/items/:id", secure(getPolicy), (req, res) => {
  res.json(req.bulwark.resource);
});
app.post("/items", secure(postPolicy), (req, res) => {
  res.status(201).json(createdItem(req.body, req.bulwark.principal.id));
});
app.use(errors());

export default { name, handler: app, missing };
