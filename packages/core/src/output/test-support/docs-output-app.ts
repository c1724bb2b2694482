/**
 * The app that docs/output.md quotes: every snippet there is a verbatim part of this file, and
 * docs-examples.test.ts runs it.
 */
import express from "express";
import { bulwark } from "@bulwark/express";
import { encodeHtml, encodeHtmlAttribute, encodeJsonForHtml, encodeJsString, encodeUrlComponent, maskEvents, safeUrl } from "@bulwark/core";
import type { SecurityEvent } from "@bulwark/core";

/** A customer as the app stores it. */
interface Customer {
  id: string;
  name: string;
  email: string;
  phone: string;
  cardNumber: string;
  iban: string;
  apiToken: string;
  website: string;
  taxId: string;
}

const customer: Customer = {
  id: "c-1",
  name: "<b>Jane</b> \"JD\" O'Neil",
  email: "jane.doe@example.com",
  phone: "+1 415 555 0132",
  cardNumber: "4111 1111 1111 1111",
  iban: "DE89 3704 0044 0532 0130 00",
  apiToken: "tok_live_51HqLyj",
  website: "javascript:alert(1)",
  taxId: "DE123456789",
};

/** Builds the documentation's app; security events go to `log`. */
export function createOutputApp(log: (event: SecurityEvent) => void) {
  const { secure, errors } = bulwark({
    mask: {
      email: "email",
      phone: "phone",
      cardNumber: "card",
      iban: "iban",
      apiToken: "token",
      "billing.taxId": (value) => `${String(value).slice(0, 2)}•••`,
    },
    onEvent: maskEvents({ principalId: "email" }, log),
  });
  const app = express();
  app.use(secure());

  // Every JSON response of a guarded route is masked on its way out.
  app.get("/customers/:id", secure({ public: true }), (req, res) => {
    res.json({ ...customer, billing: { taxId: customer.taxId } });
  });

  // Server-rendered HTML: encode each value for the exact place it goes.
  app.get("/customers/:id/page", secure({ public: true }), (req, res) => {
    const html = `<!doctype html>
<h1>${encodeHtml(customer.name)}</h1>
<img alt="${encodeHtmlAttribute(customer.name)}" src="/avatars/${encodeUrlComponent(customer.id)}.png">
<a href="${encodeHtmlAttribute(safeUrl(customer.website))}">website</a>
<a href="/search?q=${encodeUrlComponent(customer.name)}">more like this</a>
<script>var greeting = 'Hello, ${encodeJsString(customer.name)}';</script>
<script type="application/json" id="data">${encodeJsonForHtml({ name: customer.name })}</script>`;
    res.type("html").send(html);
  });

  app.use(...errors());
  return app;
}
